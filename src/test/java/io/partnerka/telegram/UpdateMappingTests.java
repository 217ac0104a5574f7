package io.partnerka.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partnerka.conversation.Inbound;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.objects.Update;

/** Updates as Telegram sends them (JSON) -> where they go and what they mean to the conversation engine. */
class UpdateMappingTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Update update(String json) {
        return TelegramJson.read(json);
    }

    @Test
    void textAndCommandsCarryTheSender() {
        Inbound text = UpdateMapping.toInbound(update("""
                {"update_id": 10, "message": {"message_id": 5, "date": 1700000000,
                  "from": {"id": 77, "is_bot": false, "first_name": "Анна", "username": "anna", "language_code": "ru"},
                  "chat": {"id": 77, "type": "private", "first_name": "Анна"},
                  "text": "hello", "reply_to_message": {"message_id": 4, "date": 1700000000,
                    "chat": {"id": 77, "type": "private"}, "text": "earlier"}}}"""));
        assertThat(text.kind()).isEqualTo(Inbound.Kind.TEXT);
        assertThat(text.updateId()).isEqualTo(10);
        assertThat(text.chatId()).isEqualTo(77);
        assertThat(text.userId()).isEqualTo(77);
        assertThat(text.text()).isEqualTo("hello");
        assertThat(text.firstName()).isEqualTo("Анна");
        assertThat(text.username()).isEqualTo("anna");
        assertThat(text.languageCode()).isEqualTo("ru");
        assertThat(text.messageId()).isEqualTo(5);
        assertThat(text.replyToMessageId()).isEqualTo(4);

        Inbound start = UpdateMapping.toInbound(FakeBotApi.toUpdate(FakeBotApi.textUpdate(11, 77, "/start@partnerka_bot ref_abc")));
        assertThat(start.kind()).isEqualTo(Inbound.Kind.COMMAND);
        assertThat(start.command()).isEqualTo("start");
        assertThat(start.commandArgs()).isEqualTo("ref_abc");

        assertThat(UpdateMapping.toInbound(FakeBotApi.toUpdate(FakeBotApi.textUpdate(12, 77, "/ not a command"))).kind())
                .isEqualTo(Inbound.Kind.TEXT);
        assertThat(UpdateMapping.route(FakeBotApi.toUpdate(FakeBotApi.textUpdate(12, 77, "hi"))))
                .isEqualTo(new UpdateMapping.Route(UpdateMapping.Kind.PRIVATE, 77L));
    }

    @Test
    void aPressedButtonIsACallbackOfTheChatItWasIn() {
        Update u = FakeBotApi.toUpdate(FakeBotApi.callbackUpdate(20, 88, "lang:en#abcdefgh", 321));
        assertThat(UpdateMapping.route(u)).isEqualTo(new UpdateMapping.Route(UpdateMapping.Kind.PRIVATE, 88L));
        Inbound in = UpdateMapping.toInbound(u);
        assertThat(in.kind()).isEqualTo(Inbound.Kind.CALLBACK);
        assertThat(in.chatId()).isEqualTo(88);
        assertThat(in.callbackData()).isEqualTo("lang:en#abcdefgh");
        assertThat(in.callbackId()).isEqualTo("cbq20");
        assertThat(in.messageId()).isEqualTo(321);
        assertThat(in.languageCode()).isEqualTo("en");
    }

    @Test
    void contactsDocumentsAndPhotos() {
        ObjectNode contact = FakeBotApi.message(90, 1);
        contact.putObject("contact").put("phone_number", "+79161234567").put("first_name", "Ivan").put("user_id", 90);
        Inbound c = UpdateMapping.toInbound(FakeBotApi.toUpdate(FakeBotApi.update(30, "message", contact)));
        assertThat(c.kind()).isEqualTo(Inbound.Kind.CONTACT);
        assertThat(c.contactPhone()).isEqualTo("+79161234567");
        assertThat(c.contactUserId()).isEqualTo(90L);

        ObjectNode document = FakeBotApi.message(90, 2);
        document.putObject("document").put("file_id", "DOC1").put("file_unique_id", "u1").put("file_name", "act.pdf");
        document.put("caption", "signed act");
        Inbound d = UpdateMapping.toInbound(FakeBotApi.toUpdate(FakeBotApi.update(31, "message", document)));
        assertThat(d.kind()).isEqualTo(Inbound.Kind.DOCUMENT);
        assertThat(d.fileId()).isEqualTo("DOC1");
        assertThat(d.fileName()).isEqualTo("act.pdf");
        assertThat(d.text()).isEqualTo("signed act");

        ObjectNode photo = FakeBotApi.message(90, 3);
        var sizes = photo.putArray("photo");
        sizes.addObject().put("file_id", "SMALL").put("file_unique_id", "s").put("width", 90).put("height", 90);
        sizes.addObject().put("file_id", "BIG").put("file_unique_id", "b").put("width", 1280).put("height", 960);
        sizes.addObject().put("file_id", "MID").put("file_unique_id", "m").put("width", 320).put("height", 240);
        Inbound p = UpdateMapping.toInbound(FakeBotApi.toUpdate(FakeBotApi.update(32, "message", photo)));
        assertThat(p.kind()).isEqualTo(Inbound.Kind.PHOTO);
        assertThat(p.fileId()).isEqualTo("BIG");
    }

    @Test
    void stickersVoicesAndTheRestAreOther() {
        ObjectNode sticker = FakeBotApi.message(91, 1);
        sticker.putObject("sticker").put("file_id", "ST").put("file_unique_id", "st").put("type", "regular")
                .put("width", 512).put("height", 512).put("is_animated", false).put("is_video", false);
        assertThat(UpdateMapping.toInbound(FakeBotApi.toUpdate(FakeBotApi.update(40, "message", sticker))).kind())
                .isEqualTo(Inbound.Kind.OTHER);
        ObjectNode voice = FakeBotApi.message(91, 2);
        voice.putObject("voice").put("file_id", "V").put("file_unique_id", "v").put("duration", 3);
        assertThat(UpdateMapping.toInbound(FakeBotApi.toUpdate(FakeBotApi.update(41, "message", voice))).kind())
                .isEqualTo(Inbound.Kind.OTHER);
    }

    @Test
    void onlyPrivateChatsReachTheEngine() {
        ObjectNode channelPost = JSON.createObjectNode();
        channelPost.put("message_id", 1).put("date", 1700000000).put("text", "news");
        channelPost.putObject("chat").put("id", -100123).put("type", "channel").put("title", "News");
        assertThat(UpdateMapping.route(FakeBotApi.toUpdate(FakeBotApi.update(50, "channel_post", channelPost))).kind())
                .isEqualTo(UpdateMapping.Kind.IGNORED);

        ObjectNode edited = FakeBotApi.message(92, 1).put("text", "edited").put("edit_date", 1700000001);
        assertThat(UpdateMapping.route(FakeBotApi.toUpdate(FakeBotApi.update(51, "edited_message", edited))).kind())
                .isEqualTo(UpdateMapping.Kind.IGNORED);

        ObjectNode groupChatter = FakeBotApi.message(92, 2).put("text", "hi all");
        groupChatter.putObject("chat").put("id", -555).put("type", "group").put("title", "Partners");
        assertThat(UpdateMapping.route(FakeBotApi.toUpdate(FakeBotApi.update(52, "message", groupChatter))).kind())
                .isEqualTo(UpdateMapping.Kind.IGNORED);

        ObjectNode groupCommand = FakeBotApi.message(92, 3).put("text", "/help@" + FakeBotApi.BOT_USERNAME);
        groupCommand.putObject("chat").put("id", -555).put("type", "supergroup").put("title", "Partners");
        assertThat(UpdateMapping.route(FakeBotApi.toUpdate(FakeBotApi.update(53, "message", groupCommand))))
                .isEqualTo(new UpdateMapping.Route(UpdateMapping.Kind.GROUP_COMMAND, -555L));
        assertThat(UpdateMapping.addressee("/help@" + FakeBotApi.BOT_USERNAME + " x")).isEqualTo(FakeBotApi.BOT_USERNAME);
        assertThat(UpdateMapping.addressee("/help")).isNull();
    }

    @Test
    void blockingTheBotIsNoticed() {
        ObjectNode change = JSON.createObjectNode();
        change.set("chat", FakeBotApi.privateChat(93));
        change.set("from", FakeBotApi.user(93, "en"));
        change.put("date", 1700000000);
        ObjectNode bot = JSON.createObjectNode().put("id", FakeBotApi.BOT_ID).put("is_bot", true).put("first_name", "Bot");
        change.putObject("old_chat_member").put("status", "member").set("user", bot);
        change.putObject("new_chat_member").put("status", "kicked").put("until_date", 0).set("user", bot);
        assertThat(UpdateMapping.route(FakeBotApi.toUpdate(FakeBotApi.update(60, "my_chat_member", change))))
                .isEqualTo(new UpdateMapping.Route(UpdateMapping.Kind.BLOCKED, 93L));
    }

    @Test
    void storedPayloadIsTelegramJson() throws Exception {
        ObjectNode sent = FakeBotApi.textUpdate(70, 94, "/help");
        JsonNode stored = JSON.readTree(TelegramJson.write(FakeBotApi.toUpdate(sent)));
        assertThat(stored.path("update_id").asLong()).isEqualTo(70);
        assertThat(stored.path("message").path("text").asText()).isEqualTo("/help");
        assertThat(stored.path("message").path("from").path("language_code").asText()).isEqualTo("en");
        assertThat(stored.path("message").path("chat").path("type").asText()).isEqualTo("private");
        // computed helpers of the TelegramBots types are not stored as if Telegram had sent them
        assertThat(stored.path("message").has("chatId")).isFalse();
        assertThat(stored.path("message").has("command")).isFalse();
        assertThat(UpdateMapping.toInbound(TelegramJson.read(stored.toString())))
                .isEqualTo(UpdateMapping.toInbound(FakeBotApi.toUpdate(sent)));
    }
}
