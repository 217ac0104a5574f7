package io.partnerka.training;

/**
 * A partner passed a course's test and got its certificate.
 *
 * @param allMandatoryPassed whether the partner now holds every mandatory course of their segment (the gate opened)
 */
public record CoursePassed(long userId, Long partnerId, String courseId, boolean mandatory, String certificateCode,
                           boolean allMandatoryPassed) {
}
