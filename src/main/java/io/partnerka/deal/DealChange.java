package io.partnerka.deal;

import java.math.BigDecimal;

/**
 * A request to move a deal, from a manager or a CRM.
 *
 * @param status          the status to move to (a pipeline status, {@code lost} or {@code refunded})
 * @param amount          the deal amount (required to move to the paid status unless the deal has one), may be null
 * @param currency        the amount's currency (ISO 4217, one of {@code partnerka.deal.currencies}), with the amount
 * @param comment         shown to the partner, may be null
 * @param reopen          an explicit reopen: allows moving back to an earlier status or out of lost/refunded
 * @param expectedVersion when set, the change is refused if the deal changed since this version (a stale card)
 * @param source          {@code manager} (in the bot), {@code miniapp}, {@code web}, {@code crm} or {@code bitrix24}
 * @param actorId         the manager's user id, or null
 * @param actorName       the manager's name, or null
 */
public record DealChange(String status, BigDecimal amount, String currency, String comment, boolean reopen,
                         Integer expectedVersion, String source, Long actorId, String actorName) {

    public static final String MANAGER = "manager", MINI_APP = "miniapp";

    /** A manager's own move in the bot or the Mini App, audited here (the admin app audits its moves itself). */
    boolean byManager() {
        return MANAGER.equals(source) || MINI_APP.equals(source);
    }

    public static DealChange external(String source, String status, BigDecimal amount, String currency, String comment,
                                      boolean reopen) {
        return new DealChange(status, amount, currency, comment, reopen, null, source, null, null);
    }
}
