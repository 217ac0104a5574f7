/**
 * Training: courses with lessons and a quiz from {@code messages/training/*.yml}, progress and attempts in PostgreSQL,
 * PDF certificates with a public verification page, the training gate before submitting clients and pass rates for
 * managers. The public face is {@link io.partnerka.training.Training}.
 */
package io.partnerka.training;
