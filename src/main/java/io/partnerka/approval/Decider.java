package io.partnerka.approval;

/** Who makes a decision and where: a manager in Telegram ("telegram") or an operator in the admin app ("web"). */
public record Decider(long userId, String name, String channel) {

    public static Decider telegram(long userId, String name) {
        return new Decider(userId, name == null || name.isBlank() ? "id " + userId : name, "telegram");
    }
}
