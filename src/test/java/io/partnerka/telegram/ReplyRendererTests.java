package io.partnerka.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.partnerka.conversation.Button;
import io.partnerka.conversation.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/** Replies rendered to Bot API calls, checked on the wire of a local Bot API server. */
class ReplyRendererTests {

    private static final FakeBotApi api = FakeBotApi.start();
    private static final TelegramClient client = new OkHttpTelegramClient(FakeBotApi.TOKEN,
            TelegramApiConfiguration.parse(api.url()));

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void textWithInlineButtons() throws TelegramApiException {
        Reply.Text reply = Reply.Text.of("<b>Choose</b>").withButtons(List.of(
                List.of(new Button("One", "p:1#sig", null), new Button("Two", "p:2#sig", null)),
                List.of(Button.url("Site", "https://example.com"))));
        Integer id = ReplyRenderer.send(client, 501, reply);

        FakeBotApi.Call call = api.calls("sendMessage", 501).get(0);
        assertThat(id).isNotNull();
        assertThat(call.text()).isEqualTo("<b>Choose</b>");
        assertThat(call.param("parse_mode")).isEqualToIgnoringCase("HTML");
        JsonNode rows = call.json("reply_markup").path("inline_keyboard");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get(1).path("text").asText()).isEqualTo("Two");
        assertThat(rows.get(0).get(1).path("callback_data").asText()).isEqualTo("p:2#sig");
        assertThat(rows.get(1).get(0).path("url").asText()).isEqualTo("https://example.com");
    }

    @Test
    void aMiniAppButtonIsAWebAppButton() throws TelegramApiException {
        Reply.Text reply = Reply.Text.of("Client submitted").withButtons(List.of(
                List.of(Button.webApp("📱 Open my clients", "https://partners.example.com/app?view=clients"))));
        ReplyRenderer.send(client, 509, reply);

        JsonNode button = api.calls("sendMessage", 509).get(0).json("reply_markup").path("inline_keyboard").get(0).get(0);
        assertThat(button.path("text").asText()).isEqualTo("📱 Open my clients");
        assertThat(button.path("web_app").path("url").asText()).isEqualTo("https://partners.example.com/app?view=clients");
        assertThat(button.has("url")).isFalse();
        assertThat(button.has("callback_data")).isFalse();
    }

    @Test
    void replyKeyboardWithTheContactButtonFirst() throws TelegramApiException {
        Reply.Text reply = Reply.Text.of("Your phone?").withContactRequest("📱 Share my number")
                .withKeyboard(List.of(List.of("✖️ Cancel")));
        ReplyRenderer.send(client, 502, reply);

        JsonNode markup = api.calls("sendMessage", 502).get(0).json("reply_markup");
        assertThat(markup.path("resize_keyboard").asBoolean()).isTrue();
        JsonNode rows = markup.path("keyboard");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get(0).path("text").asText()).isEqualTo("📱 Share my number");
        assertThat(rows.get(0).get(0).path("request_contact").asBoolean()).isTrue();
        assertThat(rows.get(1).get(0).path("text").asText()).isEqualTo("✖️ Cancel");
    }

    @Test
    void anEmptyKeyboardRemovesIt_andNoKeyboardLeavesItAlone() throws TelegramApiException {
        ReplyRenderer.send(client, 503, Reply.Text.of("Bye").withKeyboard(List.of()));
        ReplyRenderer.send(client, 503, Reply.Text.of("Plain"));

        List<FakeBotApi.Call> calls = api.calls("sendMessage", 503);
        assertThat(calls.get(0).json("reply_markup").path("remove_keyboard").asBoolean()).isTrue();
        assertThat(calls.get(1).json("reply_markup")).isNull();
    }

    @Test
    void bothKindsOfKeyboardGoInTwoMessages() throws TelegramApiException {
        Reply.Text reply = Reply.Text.of("Phone, or skip").withContactRequest("📱 Share")
                .withButtons(List.of(List.of(new Button("Skip", "f:1:~skip#sig", null))));
        Integer id = ReplyRenderer.send(client, 504, reply);

        List<FakeBotApi.Call> calls = api.calls("sendMessage", 504);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).text()).isEqualTo("Phone, or skip");
        assertThat(calls.get(0).json("reply_markup").has("keyboard")).isTrue();
        assertThat(calls.get(1).json("reply_markup").has("inline_keyboard")).isTrue();
        assertThat(id).as("later edits go to the message with the buttons").isNotNull();
    }

    @Test
    void anEditKeepsTheMessageId() throws TelegramApiException {
        Reply.Text reply = Reply.Text.of("Decided ✅").withButtons(List.of(List.of(new Button("Undo", "u#s", null))))
                .asEditOf(777);
        assertThat(ReplyRenderer.send(client, 505, reply)).isEqualTo(777);

        FakeBotApi.Call call = api.calls("editMessageText", 505).get(0);
        assertThat(call.param("message_id")).isEqualTo("777");
        assertThat(call.text()).isEqualTo("Decided ✅");
        assertThat(call.param("parse_mode")).isEqualToIgnoringCase("HTML");
        assertThat(call.json("reply_markup").path("inline_keyboard").get(0).get(0).path("text").asText()).isEqualTo("Undo");
        assertThat(ReplyRenderer.optional(reply)).isTrue();
    }

    @Test
    void documentsAreUploadedFromBytes() throws TelegramApiException {
        byte[] pdf = "%PDF-1.4 fake".getBytes(StandardCharsets.ISO_8859_1);
        Integer id = ReplyRenderer.send(client, 506, new Reply.Document("invoice-7.pdf", pdf, "Invoice <b>#7</b>"));

        FakeBotApi.Call call = api.calls("sendDocument", 506).get(0);
        assertThat(id).isNotNull();
        assertThat(call.param("caption")).isEqualTo("Invoice <b>#7</b>");
        assertThat(call.param("parse_mode")).isEqualToIgnoringCase("HTML");
        assertThat(call.file("document").fileName()).isEqualTo("invoice-7.pdf");
        assertThat(call.file("document").content()).isEqualTo(pdf);
    }

    @Test
    void picturesAreSentAsPhotosNotFiles() throws TelegramApiException {
        byte[] png = new byte[]{(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        Integer id = ReplyRenderer.send(client, 508, new Reply.Photo("referral-qr.png", png, "Your link:\nhttps://t.me/b?start=ref_x"));

        assertThat(id).isNotNull();
        assertThat(api.calls("sendDocument", 508)).isEmpty();
        FakeBotApi.Call call = api.calls("sendPhoto", 508).get(0);
        assertThat(call.param("caption")).contains("https://t.me/b?start=ref_x");
        assertThat(call.file("photo").content()).isEqualTo(png);
    }

    @Test
    void callbackAnswers() throws TelegramApiException {
        Reply.CallbackAnswer answer = new Reply.CallbackAnswer("cbq-9", "Out of date", true);
        assertThat(ReplyRenderer.send(client, 507, answer)).isNull();

        FakeBotApi.Call call = api.awaitCalls("answerCallbackQuery", c -> "cbq-9".equals(c.param("callback_query_id")), 1,
                java.time.Duration.ofSeconds(2)).get(0);
        assertThat(call.text()).isEqualTo("Out of date");
        assertThat(call.param("show_alert")).isEqualTo("true");
        assertThat(ReplyRenderer.optional(answer)).isTrue();
        assertThat(ReplyRenderer.counted(answer)).isFalse();
    }

    @Test
    void errorsKeepTelegramsCodeAndRetryAfter() {
        api.failNext("sendMessage", c -> Long.valueOf(508).equals(c.chatId()), FakeBotApi.tooManyRequests(7));
        assertThatThrownBy(() -> ReplyRenderer.send(client, 508, Reply.Text.of("x")))
                .satisfies(e -> {
                    Failures.ApiFailure f = Failures.classify(e);
                    assertThat(f.code()).isEqualTo(429);
                    assertThat(f.retryAfter()).isEqualTo(7);
                });
        api.failNext("sendMessage", c -> Long.valueOf(508).equals(c.chatId()), FakeBotApi.forbidden());
        assertThatThrownBy(() -> ReplyRenderer.send(client, 508, Reply.Text.of("x")))
                .satisfies(e -> assertThat(Failures.classify(e).is(403)).isTrue());
        api.failNext("editMessageText", c -> true, FakeBotApi.badRequest("message is not modified"));
        assertThatThrownBy(() -> ReplyRenderer.send(client, 508, Reply.Text.of("x").asEditOf(1)))
                .satisfies(e -> assertThat(Failures.classify(e).notModified()).isTrue());
    }

    @Test
    void theApiUrlIsSchemeHostAndPort() {
        TelegramUrl local = TelegramApiConfiguration.parse("http://127.0.0.1:8081");
        assertThat(local.getSchema()).isEqualTo("http");
        assertThat(local.getHost()).isEqualTo("127.0.0.1");
        assertThat(local.getPort()).isEqualTo(8081);
        assertThat(TelegramApiConfiguration.parse("https://api.telegram.org").getPort()).isEqualTo(443);
        assertThatThrownBy(() -> TelegramApiConfiguration.parse("https://example.com/botapi"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Failures.redact("GET http://h/bot" + "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ/sendMessage failed"))
                .doesNotContain("ABCDEFGHIJKLMNOPQRSTUVWXYZ").contains("<token>");
    }
}
