package io.partnerka.conversation;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tells someone something outside their own conversation (a manager about a new application, a partner about a
 * decision), in that person's language, in the caller's transaction.
 */
@Service
public class Notifier {

    private final Outbox outbox;
    private final ChatStore chats;
    private final Messages messages;
    private final CallbackCodec codec;

    Notifier(Outbox outbox, ChatStore chats, Messages messages, CallbackCodec codec) {
        this.outbox = outbox;
        this.chats = chats;
        this.messages = messages;
        this.codec = codec;
    }

    /** The language a chat reads, or the default for someone who never wrote. */
    public String languageOf(long chatId) {
        return chats.language(chatId).orElse(messages.defaultLanguage());
    }

    public String text(long chatId, String key, Map<String, ?> args) {
        return messages.text(languageOf(chatId), key, args);
    }

    /** Sends the message {@code key} to a chat. */
    @Transactional
    public void say(long chatId, String key, Object... args) {
        outbox.send(chatId, Reply.Text.of(text(chatId, key, Messages.args(args))));
    }

    /** Sends any reply to a chat. */
    @Transactional
    public void send(long chatId, Reply reply) {
        outbox.send(chatId, reply);
    }

    /** An inline button signed for the given chat. */
    public Button button(long chatId, String text, String payload) {
        return new Button(text, codec.sign(chatId, payload), null);
    }

    /** One row of signed buttons, each {text, payload}. */
    public List<Button> row(long chatId, String[]... textAndPayload) {
        return java.util.Arrays.stream(textAndPayload).map(tp -> button(chatId, tp[0], tp[1])).toList();
    }
}
