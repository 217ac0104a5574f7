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
    private final MainMenu mainMenu;
    private final Roles roles;
    private final PresetLanguages presets;

    Notifier(Outbox outbox, ChatStore chats, Messages messages, CallbackCodec codec, MainMenu mainMenu, Roles roles,
             PresetLanguages presets) {
        this.presets = presets;
        this.mainMenu = mainMenu;
        this.roles = roles;
        this.outbox = outbox;
        this.chats = chats;
        this.messages = messages;
        this.codec = codec;
    }

    /** The language a chat reads; for someone who never wrote, the one the operator set for them, else the default. */
    public String languageOf(long chatId) {
        return chats.language(chatId).or(() -> presets.of(chatId)).orElse(messages.defaultLanguage());
    }

    /** The language a chat chose or was given, if any (no default): other screens fall back on their own hint. */
    public java.util.Optional<String> knownLanguage(long chatId) {
        return chats.language(chatId).or(() -> presets.of(chatId));
    }

    public String text(long chatId, String key, Map<String, ?> args) {
        return messages.text(languageOf(chatId), key, args);
    }

    /** Sends the message {@code key} to a chat. */
    @Transactional
    public void say(long chatId, String key, Object... args) {
        outbox.queue(chatId, Reply.Text.of(text(chatId, key, Messages.args(args))));
    }

    /** Sends the message {@code key} with the chat's main menu as its keyboard (e.g. after being let in). */
    @Transactional
    public void sayWithMenu(long chatId, String key, Object... args) {
        ChatRecord chat = chats.find(chatId).orElseGet(() -> {
            ChatRecord fresh = new ChatRecord(chatId, chatId);
            fresh.language = presets.of(chatId).orElse(messages.defaultLanguage());
            return fresh;
        });
        ChatContext ctx = new ChatContext(chat, null, messages, codec, roles.isManager(chat.userId), outbox);
        outbox.queue(chatId, Reply.Text.of(ctx.text(key, args)).withKeyboard(mainMenu.keyboard(ctx)));
    }

    /** Sends any reply to a chat, written with the transaction's other messages (see {@link Outbox#queue}). */
    @Transactional
    public void queue(long chatId, Reply reply) {
        outbox.queue(chatId, reply);
    }

    /** Sends any reply to a chat; returns the outbox id (to look up the delivered message id later). */
    @Transactional
    public long send(long chatId, Reply reply) {
        return outbox.send(chatId, reply);
    }

    /** Sends many replies with one statement; returns their outbox ids in the same order. */
    @Transactional
    public List<Long> sendAll(List<Outbox.OutgoingMessage> messages) {
        return outbox.sendAll(messages);
    }

    /** The transport's message id of a delivered notification, if it was delivered. */
    public java.util.Optional<Integer> deliveredMessageId(long outboxId) {
        return outbox.transportMessageId(outboxId);
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
