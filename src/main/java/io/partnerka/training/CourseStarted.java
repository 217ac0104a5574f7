package io.partnerka.training;

/** A partner opened the first lesson of a course. Published in that update's transaction. */
public record CourseStarted(long userId, Long partnerId, String courseId) {
}
