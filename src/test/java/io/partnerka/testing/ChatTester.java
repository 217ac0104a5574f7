package io.partnerka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives one person's chat through the conversation engine and reads what the bot said from the outbox (and the
 * answers to button presses, which leave after the commit without an outbox row, from {@link AnsweredPresses}), so a
 * flow test reads like the chat it checks: {@code chat.send("/apply").expect("apply.ask-type").press("apply.type.company")}.
 */
public final class ChatTester {

    private static final AtomicLong UPDATE_IDS = new AtomicLong(1_000_000);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[a-zA-Z0-9_.-]+}");
    private final ConversationEngine engine;
    private final Messages messages;
    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();
    private final long userId;
    private final String firstName;
    private String languageCode = "ru";
    private String username;
    private long seen;
    private final List<Said> history = new ArrayList<>();
    private List<Said> last = List.of();

    public ChatTester(ConversationEngine engine, Messages messages, JdbcClient jdbc, long userId, String firstName) {
        this.engine = engine;
        this.messages = messages;
        this.jdbc = jdbc;
        this.userId = userId;
        this.firstName = firstName;
        this.seen = jdbc.sql("SELECT coalesce(max(id), 0) FROM outbox").query(Long.class).single();
        AnsweredPresses.take(userId);
    }

    /**
     * One message the bot sent: its outbox id (0 for the answer to a button press, type "callback-answer"), text,
     * inline buttons (text -> data) and reply keyboard.
     */
    public record Said(long id, String type, String text, List<String[]> buttons, List<String> keyboard,
                       boolean contactRequest, Integer editOf, String fileName) {
    }

    /** The person has a Telegram @username (sent with every update from now on). */
    public ChatTester withUsername(String username) {
        this.username = username;
        return this;
    }

    public ChatTester inEnglish() {
        this.languageCode = "en";
        return this;
    }

    public long userId() {
        return userId;
    }

    public ChatTester send(String text) {
        Inbound.Kind kind = text.startsWith("/") ? Inbound.Kind.COMMAND : Inbound.Kind.TEXT;
        return handle(new Inbound(UPDATE_IDS.incrementAndGet(), userId, userId, firstName, username, languageCode, kind, text,
                null, null, null, null, null, null, null, null));
    }

    public ChatTester shareContact(String phone) {
        return handle(new Inbound(UPDATE_IDS.incrementAndGet(), userId, userId, firstName, username, languageCode,
                Inbound.Kind.CONTACT, null, null, null, null, null, phone, userId, null, null));
    }

    /** A contact card attached with 📎 (someone from the phone book; {@code contactUserId} when they use Telegram). */
    public ChatTester attachContact(String phone, Long contactUserId) {
        return handle(new Inbound(UPDATE_IDS.incrementAndGet(), userId, userId, firstName, username, languageCode,
                Inbound.Kind.CONTACT, null, null, null, null, null, phone, contactUserId, null, null));
    }

    /** Telegram's "Reply" on one of the bot's messages (by its Telegram message id). */
    public ChatTester replyTo(int messageId, String text) {
        return handle(new Inbound(UPDATE_IDS.incrementAndGet(), userId, userId, firstName, username, languageCode,
                Inbound.Kind.TEXT, text, null, null, null, messageId, null, null, null, null));
    }

    /** A document with an optional caption. */
    public ChatTester sendDocument(String fileId, String fileName, String caption) {
        return handle(new Inbound(UPDATE_IDS.incrementAndGet(), userId, userId, firstName, username, languageCode,
                Inbound.Kind.DOCUMENT, caption, null, null, null, null, null, null, fileId, fileName));
    }

    /** A photo with an optional caption. */
    public ChatTester sendPhoto(String fileId, String caption) {
        return handle(new Inbound(UPDATE_IDS.incrementAndGet(), userId, userId, firstName, username, languageCode,
                Inbound.Kind.PHOTO, caption, null, null, null, null, null, null, fileId, null));
    }

    public ChatTester sendSticker() {
        return handle(new Inbound(UPDATE_IDS.incrementAndGet(), userId, userId, firstName, username, languageCode,
                Inbound.Kind.OTHER, null, null, null, null, null, null, null, null, null));
    }

    /** Presses the newest inline button whose text is {@code keyOrText} (a message key or the literal text). */
    public ChatTester press(String keyOrText) {
        String label = label(keyOrText);
        for (int i = history.size() - 1; i >= 0; i--) {
            Said said = history.get(i);
            for (String[] b : said.buttons()) {
                if (b[0].equals(label)) return pressData(b[1], (int) said.id());
            }
        }
        return fail("No button '%s' in the chat; buttons seen last: %s", label, describe(last));
    }

    /** Presses a button with raw callback data (a forged or stale one). */
    public ChatTester pressData(String data, int messageId) {
        return handle(new Inbound(UPDATE_IDS.incrementAndGet(), userId, userId, firstName, username, languageCode,
                Inbound.Kind.CALLBACK, null, data, "cb-" + UPDATE_IDS.get(), messageId, null, null, null, null, null));
    }

    /** The callback data of the newest button labelled {@code keyOrText}, to press it again later. */
    public String buttonData(String keyOrText) {
        String label = label(keyOrText);
        for (int i = history.size() - 1; i >= 0; i--) {
            for (String[] b : history.get(i).buttons()) {
                if (b[0].equals(label)) return b[1];
            }
        }
        return fail("No button '%s'", label);
    }

    /** Asserts that the last update made the bot say the message {@code key} (placeholders match anything). */
    public ChatTester expect(String key) {
        Pattern p = pattern(key);
        if (last.stream().noneMatch(s -> s.text() != null && p.matcher(s.text()).matches())) {
            fail("Expected '%s' after the last input, the bot said: %s", key, describe(last));
        }
        return this;
    }

    /** Asserts the last update's replies contain this literal fragment. */
    public ChatTester expectContaining(String fragment) {
        assertThat(last).as("replies").anySatisfy(s -> assertThat(s.text()).contains(fragment));
        return this;
    }

    /** Asserts that the last update produced no message with this key. */
    public ChatTester expectNo(String key) {
        Pattern p = pattern(key);
        assertThat(last).noneMatch(s -> s.text() != null && p.matcher(s.text()).matches());
        return this;
    }

    /** Reads what the bot sent to this chat since the last look (also messages caused by other people). */
    public List<Said> poll() {
        List<Said> fresh = new ArrayList<>(jdbc.sql("SELECT id, payload FROM outbox WHERE chat_id = ? AND id > ? ORDER BY id")
                .params(userId, seen)
                .query((rs, n) -> toSaid(rs.getLong(1), json.readTree(rs.getString(2)))).list());
        if (!fresh.isEmpty()) seen = fresh.get(fresh.size() - 1).id();
        for (Reply.CallbackAnswer a : AnsweredPresses.take(userId)) {
            fresh.add(new Said(0, "callback-answer", a.text(), List.of(), null, false, null, null));
        }
        history.addAll(fresh);
        last = fresh;
        return fresh;
    }

    /** What the last input (or {@link #poll()}) produced. */
    public List<Said> last() {
        return last;
    }

    public Said lastText() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if ("text".equals(history.get(i).type())) return history.get(i);
        }
        return fail("The bot said nothing");
    }

    /** The reply keyboard most recently sent. */
    public List<String> keyboard() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).keyboard() != null) return history.get(i).keyboard();
        }
        return List.of();
    }

    public String text(String key) {
        return messages.text(languageCode, key);
    }

    private ChatTester handle(Inbound in) {
        engine.handle(in);
        poll();
        return this;
    }

    private String label(String keyOrText) {
        return messages.has(languageCode, keyOrText) ? messages.text(languageCode, keyOrText) : keyOrText;
    }

    private Pattern pattern(String key) {
        if (!messages.has(languageCode, key)) fail("No message key %s in %s", key, languageCode);
        return templatePattern(messages.text(languageCode, key));
    }

    /** A message template as a pattern that matches the rendered text: each {placeholder} matches anything. */
    public static Pattern templatePattern(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(at, m.start()))).append(".*?");
            at = m.end();
        }
        regex.append(Pattern.quote(template.substring(at)));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private Said toSaid(long id, JsonNode node) {
        String type = node.path("type").asString();
        List<String[]> buttons = new ArrayList<>();
        for (JsonNode row : node.path("buttons")) {
            for (JsonNode b : row) buttons.add(new String[]{b.path("text").asString(), b.path("callbackData").asString()});
        }
        List<String> keyboard = null;
        if (node.has("keyboard") && !node.get("keyboard").isNull()) {
            keyboard = new ArrayList<>();
            for (JsonNode row : node.get("keyboard")) for (JsonNode b : row) keyboard.add(b.asString());
        }
        String text = node.has("text") && !node.get("text").isNull() ? node.get("text").asString() : null;
        Integer editOf = node.has("editMessageId") && !node.get("editMessageId").isNull() ? node.get("editMessageId").asInt() : null;
        return new Said(id, type, text, buttons, keyboard, node.has("requestContact") && !node.get("requestContact").isNull(),
                editOf, node.path("fileName").asString(null));
    }

    private static String describe(List<Said> said) {
        StringBuilder out = new StringBuilder();
        for (Said s : said) {
            out.append("\n  [").append(s.type()).append("] ").append(s.text());
            for (String[] b : s.buttons()) out.append(" [").append(b[0]).append("]");
        }
        return out.isEmpty() ? "(nothing)" : out.toString();
    }
}
