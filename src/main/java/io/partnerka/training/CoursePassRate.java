package io.partnerka.training;

/**
 * How one course goes, for managers.
 *
 * @param started        partners who opened a lesson or the test
 * @param tried          partners who finished at least one test attempt
 * @param passed         partners who passed (hold a certificate)
 * @param attempts       finished attempts
 * @param firstTryPassed partners who passed with their first attempt
 * @param averageScore   mean score of finished attempts, null when there are none
 */
public record CoursePassRate(String courseId, String title, boolean mandatory, int started, int tried, int passed,
                             int attempts, int firstTryPassed, Integer averageScore) {

    /** Passed of those who tried, in percent; null when nobody tried. */
    public Integer passRate() {
        return tried == 0 ? null : (int) Math.round(passed * 100.0 / tried);
    }
}
