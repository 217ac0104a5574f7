package io.partnerka.partner;

/** The questionnaire answers of an applicant, as lines for a manager's card (provided by the prescoring module). */
public interface ApplicationAnswers {

    String summary(long userId, String language);
}
