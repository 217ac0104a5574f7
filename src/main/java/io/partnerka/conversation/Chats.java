package io.partnerka.conversation;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What a transport reports about chats: someone blocked the bot. */
@Service
public class Chats {

    private final ChatStore store;
    private final Outbox outbox;

    Chats(ChatStore store, Outbox outbox) {
        this.store = store;
        this.outbox = outbox;
    }

    /** The person blocked the bot: nothing more is sent until they write again. */
    @Transactional
    public void markUnreachable(long chatId) {
        store.markUnreachable(chatId);
        outbox.dropPending(chatId);
    }

    /** Reachable private chats reading this language, most recently seen first (for per-chat menu buttons). */
    public java.util.List<Long> reading(String language, int limit) {
        return store.chatsReading(language, limit);
    }

    public boolean isUnreachable(long chatId) {
        return store.isUnreachable(chatId);
    }
}
