/** The prescoring questionnaire: weighted answers, a score, and an automatic decision by thresholds. */
package io.partnerka.prescoring;
