/**
 * Clients and deals: a partner submits a client (duplicate protection inside an attribution window), follows every
 * client's status, amount and commission, and is told about every change; managers move deals through the
 * configurable pipeline. Paid deals accrue commission through {@link io.partnerka.money.Ledger}; other modules hang on
 * {@link io.partnerka.deal.LeadSubmitted} and {@link io.partnerka.deal.DealStatusChanged}, and a module may hold
 * submissions back with a {@link io.partnerka.deal.SubmissionGate}. The training gate (mandatory courses first) is
 * wired here, through {@link io.partnerka.training.Training}: training must not depend on deal.
 */
package io.partnerka.deal;
