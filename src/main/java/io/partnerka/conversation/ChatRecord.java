package io.partnerka.conversation;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One chat's row: language, reachability and the place in a flow. Mutable inside one update's transaction. */
final class ChatRecord {
    final long chatId;
    final long userId;
    String firstName;
    String username;
    String language;
    boolean languageChosen;
    boolean unreachable;
    String flow;
    String step;
    Map<String, String> draft = new LinkedHashMap<>();
    int version;
    Instant flowUpdatedAt;
    boolean created;

    ChatRecord(long chatId, long userId) {
        this.chatId = chatId;
        this.userId = userId;
    }

    void enter(String flow, String step) {
        this.flow = flow;
        this.step = step;
        this.version++;
        this.flowUpdatedAt = Instant.now();
    }

    void leaveFlow() {
        flow = null;
        step = null;
        draft = new LinkedHashMap<>();
        version++;
        flowUpdatedAt = null;
    }
}
