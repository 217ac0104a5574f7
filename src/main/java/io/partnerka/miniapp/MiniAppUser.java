package io.partnerka.miniapp;

/**
 * Who calls the Mini App API, from Telegram's signed initData (never from a parameter).
 *
 * @param role      {@code manager}, {@code partner} (approved) or {@code applicant} (anyone else)
 * @param partnerId the caller's partner id when they are an approved partner, else null
 * @param language  the language they read the bot in, else their Telegram client's, else the default
 */
public record MiniAppUser(long userId, String name, String language, String role, Long partnerId) {

    public static final String MANAGER = "manager", PARTNER = "partner", APPLICANT = "applicant";

    public boolean isManager() {
        return MANAGER.equals(role);
    }

    public boolean isPartner() {
        return PARTNER.equals(role);
    }
}
