package io.partnerka.money;

/**
 * The outcome of accruing a deal's commission.
 *
 * @param commission the commission in force for the deal
 * @param fresh      true when this call credited it; false when it had been credited before (a repeated paid event)
 * @param balance    the partner's balance in the commission's currency afterwards
 */
public record Accrual(Commission commission, boolean fresh, Balance balance) {
}
