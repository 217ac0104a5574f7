/**
 * One queue for everything a manager must decide (applications, payouts, requisites changes): notify, list,
 * approve, reject, audit. Features plug in with an {@link io.partnerka.approval.ApprovalHandler}.
 */
package io.partnerka.approval;
