package io.partnerka.admin;

import io.partnerka.approval.Decider;

/**
 * Who acts in the back office. {@code actorId} is the id the audit log and the approval queue know them by: their
 * Telegram user id when linked (so bot and web are one identity), else a stable negative id of their own.
 * {@code language}: what their pages, and the bot's cards shown on them, are written in.
 */
record Operator(String username, String name, AdminProperties.Role role, long actorId, Long telegramId, String language) {

    boolean isAdmin() {
        return role == AdminProperties.Role.ADMIN;
    }

    Decider decider() {
        return new Decider(actorId, name, "web");
    }
}
