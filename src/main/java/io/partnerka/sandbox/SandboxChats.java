package io.partnerka.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * What each persona's phone shows: the chat histories (user and bot messages, edits in place, deletions), the reply
 * keyboard the bot left open, the answers to pressed buttons, the files, and the command menus. In memory only; every
 * change gets a sequence number so the page can ask for "what changed since" and wait for the next change.
 */
class SandboxChats {

    /** Who wrote a message: the persona, the bot, or the sandbox itself (a note such as a refused message). */
    enum Sender { USER, BOT, SYSTEM }

    enum Kind { TEXT, DOCUMENT, PHOTO, STICKER, CONTACT, NOTE }

    /** An inline button: a callback ({@code data}), a link ({@code url}) or a Mini App to open ({@code webApp}). */
    record InlineButton(String text, String data, String url, String webApp) {
    }

    /** The menu button next to the input field when it opens a Mini App (Telegram's MenuButtonWebApp). */
    record MenuButton(String text, String url) {
    }

    record KeyButton(String text, boolean requestContact) {
    }

    record Keyboard(List<List<KeyButton>> rows, boolean resize, boolean oneTime, String placeholder) {
    }

    record Attachment(String fileId, String name, String mimeType, long size) {
    }

    record ContactCard(String phone, String firstName) {
    }

    record CallbackAnswer(long seq, String callbackId, String text, boolean alert, String url) {
    }

    record Command(String command, String description) {
    }

    record StoredFile(String fileId, String uniqueId, String name, String mimeType, byte[] content) {
    }

    /** One message as the page shows it. */
    record MessageView(int id, long seq, Sender from, Kind kind, String text, String html,
                       List<List<InlineButton>> buttons, Attachment file, String sticker, ContactCard contact,
                       boolean edited, boolean deleted, long date) {
    }

    /** A message in a chat; changed only under the lock of {@link SandboxChats}. */
    static final class Entry {
        final int id;
        final Sender from;
        final Kind kind;
        final long date;
        long seq;
        String text;
        String html;
        List<List<InlineButton>> buttons = List.of();
        Attachment file;
        String sticker;
        ContactCard contact;
        boolean edited;
        boolean deleted;
        /** The bot's message as Telegram would hold it (what a callback query carries). */
        Message telegram;

        Entry(int id, Sender from, Kind kind, long date) {
            this.id = id;
            this.from = from;
            this.kind = kind;
            this.date = date;
        }

        MessageView view() {
            return new MessageView(id, seq, from, kind, text, html, buttons, file, sticker, contact, edited, deleted, date);
        }
    }

    /** Everything the page needs after {@code since}: changed messages, the keyboard, answers, per-chat summaries. */
    record Changes(long seq, List<MessageView> messages, Keyboard keyboard, List<CallbackAnswer> answers) {
    }

    record Summary(int unread, String preview, long date) {
    }

    private static final int MAX_ANSWERS = 20;
    /** A chat keeps its latest messages only; the sandbox is for walking flows, not an archive. */
    static final int MAX_MESSAGES = 1000;

    private static final class Chat {
        final LinkedHashMap<Integer, Entry> entries = new LinkedHashMap<>();
        final List<CallbackAnswer> answers = new ArrayList<>();
        Keyboard keyboard;
        int readUpTo;
    }

    private final Map<Long, Chat> chats = new HashMap<>();
    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final Map<String, List<Command>> commands = new ConcurrentHashMap<>();
    /** "default" or "chat:<id>" -> the Mini App menu button (absent: Telegram's default, the command list). */
    private final Map<String, MenuButton> menuButtons = new ConcurrentHashMap<>();
    private final List<Runnable> waiters = new ArrayList<>();
    private long seq;
    private int notes;
    private final Map<String, Long> pendingCallbacks = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 1000;
        }
    };

    // ---- changes ------------------------------------------------------------------------------------------------

    /** Adds a message; returns its view. */
    Entry add(long chatId, Entry entry) {
        return change(() -> {
            entry.seq = ++seq;
            LinkedHashMap<Integer, Entry> entries = chat(chatId).entries;
            entries.put(entry.id, entry);
            if (entries.size() > MAX_MESSAGES) entries.remove(entries.keySet().iterator().next());
            return entry;
        });
    }

    /** A line from the sandbox itself in a chat (e.g. a message Telegram would have refused); ids are negative. */
    void note(long chatId, String html) {
        TelegramHtml.Parsed parsed;
        try {
            parsed = TelegramHtml.parse(html);
        } catch (TelegramHtml.Invalid invalid) {
            parsed = TelegramHtml.plain(html);
        }
        TelegramHtml.Parsed text = parsed;
        change(() -> {
            Entry e = new Entry(-(++notes), Sender.SYSTEM, Kind.NOTE, java.time.Instant.now().getEpochSecond());
            e.text = text.text();
            e.html = text.safeHtml();
            e.seq = ++seq;
            chat(chatId).entries.put(e.id, e);
            return e;
        });
    }

    /** Changes a message in place (an edit, new buttons, a deletion); empty when the chat has no such message. */
    <T> Optional<T> update(long chatId, int messageId, Function<Entry, T> edit) {
        return change(() -> {
            Entry e = chat(chatId).entries.get(messageId);
            if (e == null || e.deleted) return Optional.<T>empty();
            T result = edit.apply(e);
            if (result != null) e.seq = ++seq;
            return Optional.ofNullable(result);
        });
    }

    void keyboard(long chatId, Keyboard keyboard) {
        change(() -> {
            ++seq;
            chat(chatId).keyboard = keyboard;
            return null;
        });
    }

    void answer(long chatId, String callbackId, String text, boolean alert, String url) {
        change(() -> {
            List<CallbackAnswer> answers = chat(chatId).answers;
            answers.add(new CallbackAnswer(++seq, callbackId, text, alert, url));
            if (answers.size() > MAX_ANSWERS) answers.remove(0);
            return null;
        });
    }

    /** The chat a pressed button belongs to, found by the callback id the press was given. */
    synchronized Optional<Long> chatOfCallback(String callbackId) {
        return Optional.ofNullable(pendingCallbacks.get(callbackId));
    }

    synchronized void callbackSent(String callbackId, long chatId) {
        pendingCallbacks.put(callbackId, chatId);
    }

    private <T> T change(java.util.function.Supplier<T> mutation) {
        T result;
        List<Runnable> wake;
        synchronized (this) {
            result = mutation.get();
            wake = List.copyOf(waiters);
            waiters.clear();
        }
        wake.forEach(Runnable::run);
        return result;
    }

    // ---- reads ----------------------------------------------------------------------------------------------------

    synchronized Optional<Entry> find(long chatId, int messageId) {
        Chat chat = chats.get(chatId);
        Entry e = chat == null ? null : chat.entries.get(messageId);
        return e == null || e.deleted ? Optional.empty() : Optional.of(e);
    }

    /** What changed in a chat after {@code since}; marks the chat read (the person is looking at it). */
    synchronized Changes changes(long chatId, long since) {
        Chat chat = chat(chatId);
        List<MessageView> messages = new ArrayList<>();
        for (Entry e : chat.entries.values()) {
            if (e.seq > since) messages.add(e.view());
            if (e.from == Sender.BOT) chat.readUpTo = Math.max(chat.readUpTo, e.id);
        }
        List<CallbackAnswer> answers = chat.answers.stream().filter(a -> a.seq() > since).toList();
        return new Changes(seq, messages, chat.keyboard, answers);
    }

    synchronized Summary summary(long chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null) return new Summary(0, null, 0);
        int unread = 0;
        Entry last = null;
        for (Entry e : chat.entries.values()) {
            if (e.deleted) continue;
            if (e.from == Sender.BOT && e.id > chat.readUpTo) unread++;
            if (e.from != Sender.SYSTEM) last = e;
        }
        String preview = last == null ? null : switch (last.kind) {
            case DOCUMENT -> "📄 " + (last.file == null ? "" : last.file.name());
            case PHOTO -> "🖼 " + (last.text == null ? "" : last.text);
            case STICKER -> last.sticker;
            case CONTACT -> "👤 " + (last.contact == null ? "" : last.contact.phone());
            default -> last.text;
        };
        return new Summary(unread, preview, last == null ? 0 : last.date);
    }

    synchronized long seq() {
        return seq;
    }

    /** Runs {@code callback} once something changes after {@code since} (at once if it already has). */
    void onChangeAfter(long since, Runnable callback) {
        synchronized (this) {
            if (seq <= since) {
                waiters.add(callback);
                return;
            }
        }
        callback.run();
    }

    synchronized void forget(Runnable callback) {
        waiters.remove(callback);
    }

    /** Wakes every waiting page (on shutdown, so no request hangs on). */
    void wakeAll() {
        List<Runnable> wake;
        synchronized (this) {
            wake = List.copyOf(waiters);
            waiters.clear();
        }
        wake.forEach(Runnable::run);
    }

    // ---- files and commands ---------------------------------------------------------------------------------------

    void storeFile(StoredFile file) {
        files.put(file.fileId(), file);
    }

    Optional<StoredFile> file(String fileId) {
        return Optional.ofNullable(fileId == null ? null : files.get(fileId));
    }

    /** The command menu of a scope ("default", "all_private_chats", "chat:<id>") and language code (null: any). */
    void commands(String scope, String languageCode, List<Command> list) {
        String key = scope + "|" + (languageCode == null ? "" : languageCode);
        if (list.isEmpty()) commands.remove(key); else commands.put(key, List.copyOf(list));
    }

    List<Command> commandsOf(String scope, String languageCode) {
        return commands.getOrDefault(scope + "|" + (languageCode == null ? "" : languageCode), List.of());
    }

    /** Sets (or, with null, resets to the command list) the menu button of a scope ("default" or "chat:<id>"). */
    void menuButton(String scope, MenuButton button) {
        if (button == null) menuButtons.remove(scope); else menuButtons.put(scope, button);
    }

    /** The menu button a private chat shows: its own, else the default; null when it is the command list. */
    MenuButton menuButtonFor(long chatId) {
        MenuButton own = menuButtons.get("chat:" + chatId);
        return own != null ? own : menuButtons.get("default");
    }

    /** What the "/" menu shows in a private chat, resolved in Telegram's order: chat, private chats, default. */
    List<Command> commandsFor(long chatId, String languageCode) {
        for (String scope : List.of("chat:" + chatId, "all_private_chats", "default")) {
            if (languageCode != null && commands.containsKey(scope + "|" + languageCode)) {
                return commands.get(scope + "|" + languageCode);
            }
            if (commands.containsKey(scope + "|")) return commands.get(scope + "|");
        }
        return List.of();
    }

    private Chat chat(long chatId) {
        return chats.computeIfAbsent(chatId, id -> new Chat());
    }
}
