package io.partnerka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partnerka.telegram.FakeBotApi;
import io.partnerka.telegram.FakeBotApi.Call;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The first journey with the bot pointed by TELEGRAM_API_URL at a Bot API–compatible server of our own: updates
 * come by long polling, answers go out as Bot API calls, buttons are pressed with the data the bot sent.
 */
@PartnerkaTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FirstJourneyOverBotApiTests {

    static final FakeBotApi api = FakeBotApi.start();
    private static final long PARTNER = 5_001;
    private static final long MANAGER = 9_001;
    private static final AtomicLong updateIds = new AtomicLong(700_000);
    private static final AtomicLong messageIds = new AtomicLong(1);

    @DynamicPropertySource
    static void telegram(DynamicPropertyRegistry registry) {
        api.connect(registry, MANAGER);
        registry.add("partnerka.telegram.rate.enabled", () -> "false");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void applyPrescoringAndAManagersApprovalThroughTheBotApi() {
        // the manager has opened the bot before (a chat that never spoke gets the program's default language, Russian)
        send(MANAGER, "/start");
        await(MANAGER, "");
        send(PARTNER, "/start");
        press(PARTNER, "📝 Apply");
        press(PARTNER, "👤 Individual");
        send(PARTNER, "Anna Petrova");
        send(PARTNER, "London");
        await(PARTNER, "Your phone number");
        shareContact(PARTNER, "+447400123456");
        press(PARTNER, "Skip");
        press(PARTNER, "Social media and blog");
        await(PARTNER, "Please check your application");
        press(PARTNER, "✅ All correct");
        press(PARTNER, "1–3");
        press(PARTNER, "A little, under a year");
        press(PARTNER, "Partly overlaps");
        press(PARTNER, "A few hours");
        await(PARTNER, "Your application is with a manager");

        Call card = await(MANAGER, "Anna Petrova");
        assertThat(card.text()).contains("Score", "<b>55</b>").doesNotContain("<script");
        press(MANAGER, "✅ Approve");

        Call approved = await(PARTNER, "your application is approved");
        assertThat(approved.json("reply_markup").path("keyboard").toString()).contains("Profile");
        // every manager's card now says who decided (an edit of the message the card was in)
        List<Call> edits = api.awaitCalls("editMessageText", MANAGER, 1);
        assertThat(edits.get(edits.size() - 1).text()).contains("Approved");
    }

    private static void send(long chat, String text) {
        ObjectNode update = FakeBotApi.textUpdate(updateIds.incrementAndGet(), chat, text);
        api.queueUpdates(update);
    }

    private static void shareContact(long chat, String phone) {
        ObjectNode m = FakeBotApi.message(chat, (int) messageIds.incrementAndGet());
        m.putObject("contact").put("phone_number", phone).put("first_name", "Anna").put("user_id", chat);
        api.queueUpdates(FakeBotApi.update(updateIds.incrementAndGet(), "message", m));
    }

    /** Presses the newest inline button with this text the bot sent to the chat, with the data it carried. */
    private static void press(long chat, String buttonText) {
        Call withButton = api.awaitCalls("sendMessage", c -> Long.valueOf(chat).equals(c.chatId())
                && buttonData(c, buttonText) != null, 1, Duration.ofSeconds(20)).stream().reduce((a, b) -> b).orElseThrow();
        int messageId = withButton.json("reply_markup") == null ? 1 : (int) messageIds.incrementAndGet();
        api.queueUpdates(FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), chat, buttonData(withButton, buttonText), messageId));
        // wait until the press was answered, so the next step reads the answers to this one
        api.awaitCalls("answerCallbackQuery", c -> ("cbq" + updateIds.get()).equals(c.param("callback_query_id")), 1,
                Duration.ofSeconds(20));
    }

    private static Call await(long chat, String fragment) {
        return api.awaitCalls("sendMessage", c -> Long.valueOf(chat).equals(c.chatId()) && c.text() != null
                && c.text().contains(fragment), 1, Duration.ofSeconds(20)).get(0);
    }

    private static String buttonData(Call call, String text) {
        JsonNode markup = call.json("reply_markup");
        if (markup == null) return null;
        for (JsonNode row : markup.path("inline_keyboard")) {
            for (JsonNode b : row) {
                if (text.equals(b.path("text").asText())) return b.path("callback_data").asText();
            }
        }
        return null;
    }
}
