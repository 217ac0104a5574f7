package io.partnerka.drills;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partnerka.telegram.FakeBotApi;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generated and mutated Telegram Update JSON from a seeded {@link Random}: the same seed makes the same cases, so a
 * failure reproduces. Each case says whether, left unmutated, it is something a person did in a private chat (then
 * a reply is due).
 */
final class UpdateFuzzer {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Strings that have broken parsers, databases and renderers before. */
    static final List<String> NASTY = List.of(
            "", " ", "\n\n\n", "\t", "\u0000", "a\u0000b", "/start\u0000", "\u0000/help",
            "مرحبا بالعالم", "\u202Eevil\u202C", "\u200F\u200E\u200B\u2060\uFEFF", "שלום /start",
            "Z̸̡̢̛̗̘̙̜̝̞̟̠̀́̂̃̄̅̆̇̉̊̋̌̍̎̏̐̑̒̓̔̕̚à̷̢̧̛̖̗̘̙̜̝̞̟̠̣̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌̕̚ͅl̶g̵o",
            "👨‍👩‍👧‍👦🏳️‍🌈🇷🇺🧑🏽‍💻", "😀".repeat(3000), "𝕳𝖊𝖑𝖑𝖔", "\uD800", "x\uDFFFy", "\uFFFF\uFFFE",
            "<b>bold</b><script>alert(1)</script>", "&lt;&amp;&#0;", "<a href=\"javascript:alert(1)\">x</a>",
            "'; DROP TABLE partner; --", "%s%n%x{0}${jndi:ldap://x}", "{{7*7}}", "\\u0000", "\\\\u0000",
            "/start ref_" + "A".repeat(80), "/start ../../etc/passwd", "/deal -1", "/deal 99999999999999999999",
            "/clients 9223372036854775807", "/partner %", "/kb " + "а".repeat(5000), "/drip_run ☃",
            "/START", "/start@partnerka_test_bot", "/help@someone_else_bot", "/", "//", "/ /", "/\u0000",
            "+7 916 123-45-67", "79161234567", "-1", "0", "1e309", "NaN", "ᚠᛇᚻ᛫ᛒᛦᚦ", "\r\n\r\n",
            "Ивaн Пeтров", "Главное меню", "📋 Мои клиенты", "✅ Approve", "Cancel");

    private static final List<String> COMMANDS = List.of("/start", "/menu", "/help", "/cancel", "/language", "/apply",
            "/clients", "/clients 1", "/pending", "/deal 1", "/deals", "/partner 1", "/partner Anna", "/training",
            "/trainingstats", "/kb", "/kb commission", "/ask", "/questions", "/questions all", "/profile", "/status",
            "/stats", "/drip", "/drip_pause onboarding", "/drip_resume onboarding", "/drip_run onboarding",
            "/drip_reload", "/drip_log 1", "/broadcasts", "/broadcast", "/client", "/nonsense", "/start ref_abc",
            "/start p_1", "/start " + "x".repeat(64));

    private static final List<String> KINDS = List.of("edited_message", "channel_post", "edited_channel_post",
            "inline_query", "chosen_inline_result", "shipping_query", "pre_checkout_query", "poll", "poll_answer",
            "chat_member", "chat_join_request", "message_reaction", "business_message", "purchased_paid_media",
            "some_future_update_kind");

    private final Random random;
    private final long chatBase;
    private long nextUpdateId;

    UpdateFuzzer(long seed, long firstUpdateId, long chatBase) {
        this.random = new Random(seed);
        this.nextUpdateId = firstUpdateId;
        this.chatBase = chatBase;
    }

    /**
     * One case. {@code chat} is the private chat it is about (null when there is none); {@code replyDue}: a person
     * wrote or pressed something in that chat and the update was left intact, so the bot must answer.
     */
    record Case(int index, ObjectNode json, Long chat, boolean replyDue, String shape) {
    }

    Case next(int index, long chat) {
        long updateId = nextUpdateId++;
        int pick = random.nextInt(100);
        ObjectNode json;
        String shape;
        boolean privateMessage = false;
        if (pick < 30) {
            json = FakeBotApi.textUpdate(updateId, chat, random.nextBoolean() ? pickOf(COMMANDS) : text());
            shape = "text";
            privateMessage = true;
        } else if (pick < 45) {
            json = FakeBotApi.callbackUpdate(updateId, chat, callbackData(chat), 1 + random.nextInt(5000));
            shape = "callback";
            privateMessage = true;
        } else if (pick < 52) {
            ObjectNode m = FakeBotApi.message(chat, 1 + random.nextInt(1000));
            m.putObject("contact").put("phone_number", random.nextBoolean() ? "+79161234567" : text())
                    .put("first_name", text()).put("user_id", random.nextBoolean() ? chat : random.nextLong());
            json = FakeBotApi.update(updateId, "message", m);
            shape = "contact";
            privateMessage = true;
        } else if (pick < 58) {
            ObjectNode m = FakeBotApi.message(chat, 1 + random.nextInt(1000));
            if (random.nextBoolean()) {
                m.putObject("document").put("file_id", "doc" + updateId).put("file_unique_id", "u" + updateId)
                        .put("file_name", text()).put("file_size", random.nextInt());
            } else {
                ArrayNode photo = m.putArray("photo");
                for (int i = random.nextInt(3); i >= 0; i--) {
                    photo.addObject().put("file_id", "ph" + updateId + "_" + i).put("file_unique_id", "u" + i)
                            .put("width", random.nextInt(4000)).put("height", random.nextInt(4000));
                }
            }
            if (random.nextBoolean()) m.put("caption", text());
            json = FakeBotApi.update(updateId, "message", m);
            shape = "media";
            privateMessage = true;
        } else if (pick < 62) {
            ObjectNode m = FakeBotApi.message(chat, 1 + random.nextInt(1000));
            m.putObject("sticker").put("file_id", "st" + updateId).put("file_unique_id", "s").put("type", "regular")
                    .put("width", 512).put("height", 512).put("is_animated", false).put("is_video", false);
            json = FakeBotApi.update(updateId, "message", m);
            shape = "sticker";
            privateMessage = true;
        } else if (pick < 70) {
            // a group or supergroup: a command (answered with a hint) or chatter (ignored)
            ObjectNode m = FakeBotApi.message(chat, 1 + random.nextInt(1000));
            m.put("text", random.nextBoolean() ? pickOf(COMMANDS) + (random.nextBoolean() ? "@" + FakeBotApi.BOT_USERNAME : "") : text());
            m.putObject("chat").put("id", -1_000_000_000_000L - random.nextInt(50))
                    .put("type", random.nextBoolean() ? "group" : "supergroup").put("title", text());
            json = FakeBotApi.update(updateId, "message", m);
            shape = "group";
        } else if (pick < 76) {
            ObjectNode m = FakeBotApi.message(chat, 1 + random.nextInt(1000)).put("text", text());
            m.putObject("chat").put("id", -1_000_000_000_100L - random.nextInt(50)).put("type", "channel").put("title", "News");
            m.remove("from");
            json = FakeBotApi.update(updateId, random.nextBoolean() ? "channel_post" : "edited_channel_post", m);
            shape = "channel";
        } else if (pick < 84) {
            ObjectNode m = FakeBotApi.message(chat, 1 + random.nextInt(1000)).put("text", text())
                    .put("edit_date", 1_700_000_000L);
            json = FakeBotApi.update(updateId, "edited_message", m);
            shape = "edited";
        } else if (pick < 90) {
            ObjectNode change = F.objectNode();
            change.set("chat", FakeBotApi.privateChat(chat));
            change.set("from", FakeBotApi.user(chat, "en"));
            change.put("date", 1_700_000_000L);
            ObjectNode bot = F.objectNode().put("id", FakeBotApi.BOT_ID).put("is_bot", true).put("first_name", "Bot");
            change.putObject("old_chat_member").put("status", "member").set("user", bot);
            change.putObject("new_chat_member").put("status", random.nextBoolean() ? "kicked" : "member").set("user", bot.deepCopy());
            json = FakeBotApi.update(updateId, "my_chat_member", change);
            shape = "membership";
        } else {
            ObjectNode content = F.objectNode().put("id", String.valueOf(updateId));
            content.set("from", FakeBotApi.user(chat, "en"));
            content.put("query", text()).put("offset", "");
            json = FakeBotApi.update(updateId, pickOf(KINDS), content);
            shape = "other-kind";
        }
        if (random.nextInt(10) < 2) {
            // the person's Telegram client language: anything
            JsonNode from = json.findValue("from");
            if (from instanceof ObjectNode o) o.put("language_code", pickOf(List.of("ru", "en", "de", "", "zz-ZZ", "\u0000", "x".repeat(300))));
        }
        boolean mutated = false;
        int mutations = random.nextInt(10) < 4 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < mutations; i++) mutated |= mutate(json);
        return new Case(index, json, privateMessage ? chat : null, privateMessage && !mutated, shape + (mutated ? "+mutated" : ""));
    }

    /** The same update again (Telegram redelivers after a lost confirmation). */
    long lastUpdateId() {
        return nextUpdateId - 1;
    }

    String text() {
        int pick = random.nextInt(10);
        if (pick < 4) return pickOf(NASTY);
        if (pick < 5) return "Ж".repeat(random.nextInt(5000)) + pickOf(NASTY) + "z".repeat(random.nextInt(200_000));
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(60);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(6);
            int cp = switch (kind) {
                case 0 -> 0x20 + random.nextInt(0x5F);
                case 1 -> 0x400 + random.nextInt(0x100);     // Cyrillic
                case 2 -> 0x590 + random.nextInt(0x200);     // Hebrew, Arabic
                case 3 -> 0x300 + random.nextInt(0x70);      // combining marks
                case 4 -> 0x1F300 + random.nextInt(0x300);   // emoji
                default -> random.nextInt(0x110000);          // anything, surrogates and controls included
            };
            if (cp >= 0xD800 && cp <= 0xDFFF) s.append((char) cp); else s.appendCodePoint(cp);
        }
        return s.toString();
    }

    private String callbackData(long chat) {
        return switch (random.nextInt(8)) {
            case 0 -> "ap:1:ok#AAAAAAAA";
            case 1 -> "f:0:ok#" + "x".repeat(random.nextInt(12));
            case 2 -> "dm:m:1:1:paid#12345678";
            case 3 -> text();
            case 4 -> "lang:en";
            case 5 -> "#";
            case 6 -> "x".repeat(random.nextInt(300)) + "#" + "y".repeat(random.nextInt(9));
            default -> pickOf(List.of("ap", "dc", "dm", "tr", "tq", "kb", "sq", "dripc", "drip", "bcast", "rsvp", "apply", "f", "lang"))
                    + ":" + random.nextInt(100) + ":" + text() + "#" + chat;
        };
    }

    /** Changes one random field somewhere in the tree; true when something changed. */
    private boolean mutate(ObjectNode root) {
        List<Map.Entry<ObjectNode, String>> fields = new ArrayList<>();
        collect(root, fields);
        if (fields.isEmpty()) return false;
        Map.Entry<ObjectNode, String> f = fields.get(random.nextInt(fields.size()));
        ObjectNode parent = f.getKey();
        String name = f.getValue();
        switch (random.nextInt(6)) {
            case 0 -> parent.remove(name);
            case 1 -> parent.put(name, text());
            case 2 -> parent.put(name, random.nextBoolean() ? random.nextLong() : random.nextInt());
            case 3 -> parent.set(name, random.nextBoolean() ? F.objectNode().put("x", text()) : F.arrayNode().add(1).add(text()));
            case 4 -> parent.set(name, random.nextBoolean() ? F.nullNode() : F.booleanNode(random.nextBoolean()));
            default -> parent.put(text().replace("\u0000", "") + "_field", text());
        }
        return true;
    }

    private static void collect(ObjectNode node, List<Map.Entry<ObjectNode, String>> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            into.add(Map.entry(node, e.getKey()));
            if (e.getValue() instanceof ObjectNode child) collect(child, into);
        }
    }

    private <T> T pickOf(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** Raw bodies that are not an update at all, for the webhook. */
    String garbageBody() {
        return switch (random.nextInt(9)) {
            case 0 -> "";
            case 1 -> "null";
            case 2 -> "[1,2,3]";
            case 3 -> "{\"update_id\":";
            case 4 -> "{\"update_id\": \"not a number\", \"message\": 5}";
            case 5 -> "[".repeat(5000) + "]".repeat(5000);
            case 6 -> "{\"a\":".repeat(3000) + "1" + "}".repeat(3000);
            case 7 -> "{\"update_id\": 1e400}";
            default -> text();
        };
    }
}
