/**
 * Money, part one: the append-only ledger in exact decimals with a currency, balances derived from it, and the
 * commission rules (a rate per tier, decided and recorded when a deal's commission accrues, once per deal).
 * Publishes {@link io.partnerka.money.CommissionAccrued} and {@link io.partnerka.money.CommissionReversed}.
 */
package io.partnerka.money;
