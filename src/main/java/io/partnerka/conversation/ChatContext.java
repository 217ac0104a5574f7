package io.partnerka.conversation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a flow or an action needs while handling one update: who is talking, in which language, and a way to
 * answer. Replies are collected and written to the outbox when the update's transaction commits.
 */
public final class ChatContext {

    private final ChatRecord chat;
    private final Inbound inbound;
    private final Messages messages;
    private final CallbackCodec codec;
    private final boolean manager;
    private final Outbox outbox;
    String callbackAnswer;
    boolean callbackAlert;
    String flowToStart;
    Map<String, String> flowToStartDraft;
    boolean menuRequested;
    String menuTextKey;

    ChatContext(ChatRecord chat, Inbound inbound, Messages messages, CallbackCodec codec, boolean manager, Outbox outbox) {
        this.outbox = outbox;
        this.chat = chat;
        this.inbound = inbound;
        this.messages = messages;
        this.codec = codec;
        this.manager = manager;
    }

    public long chatId() {
        return chat.chatId;
    }

    public long userId() {
        return chat.userId;
    }

    public String firstName() {
        return chat.firstName;
    }

    public String username() {
        return chat.username;
    }

    public String language() {
        return chat.language;
    }

    public boolean isManager() {
        return manager;
    }

    /** The update being handled. */
    public Inbound inbound() {
        return inbound;
    }

    /** A text in this person's language; {@code args} are name/value pairs. */
    public String text(String key, Object... args) {
        return messages.text(chat.language, key, Messages.args(args));
    }

    public String text(String key, Map<String, ?> args) {
        return messages.text(chat.language, key, args);
    }

    /** Sends a message to this chat. */
    public void reply(Reply reply) {
        outbox.queue(chat.chatId, reply);
    }

    /** Sends the message {@code key} to this chat. */
    public void say(String key, Object... args) {
        reply(Reply.Text.of(text(key, args)));
    }

    /** Sends the message {@code key} with named arguments to this chat. */
    public void say(String key, Map<String, ?> args) {
        reply(Reply.Text.of(text(key, args)));
    }

    /** An inline button whose data is signed for this chat; {@code payload} is "prefix:args" of a {@link ChatAction}. */
    public Button button(String text, String payload) {
        return new Button(text, codec.sign(chat.chatId, payload), null);
    }

    /** Shows a short notice on the pressed button (when the update is a button press). */
    public void answerCallback(String text, boolean alert) {
        this.callbackAnswer = text;
        this.callbackAlert = alert;
    }

    /** Starts a flow once this handler returns (replacing any flow in progress). */
    public void startFlow(String name) {
        startFlow(name, Map.of());
    }

    /** Starts a flow with some fields of its draft already set (e.g. the id of what it is about). */
    public void startFlow(String name, Map<String, String> draft) {
        this.flowToStart = name;
        this.flowToStartDraft = new LinkedHashMap<>(draft);
    }

    /** Sends the main menu (a reply keyboard) with the message {@code key} once this handler returns. */
    public void showMenu(String key) {
        this.menuRequested = true;
        this.menuTextKey = key;
    }
}
