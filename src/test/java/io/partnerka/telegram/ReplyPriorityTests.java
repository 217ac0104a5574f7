package io.partnerka.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 14: a busy manager's own replies go ahead of the cards queued in their chat. With Telegram's per-chat limit in
 * force (two a second here) fifteen cards take seconds to drain; the manager's command and button press are answered
 * within about one message's time, and every card still arrives, once, in order.
 */
@PartnerkaTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ReplyPriorityTests {

    static final FakeBotApi api = FakeBotApi.start();
    private static final AtomicLong updateIds = new AtomicLong(50_000);
    private static final long MANAGER = 9_200;
    private static final int CARDS = 15;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void telegram(DynamicPropertyRegistry registry) {
        api.connect(registry, MANAGER);
        registry.add("partnerka.telegram.sweep-interval", () -> "300ms");
        registry.add("partnerka.telegram.rate.per-chat-per-second", () -> "2");
        registry.add("partnerka.telegram.rate.per-chat-burst", () -> "1");
    }

    @Autowired TelegramUpdates updates;
    @Autowired Outbox outbox;
    @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc;
    TransactionTemplate transactions;

    @Autowired
    void transactions(PlatformTransactionManager manager) {
        transactions = new TransactionTemplate(manager);
    }

    private static boolean isCard(FakeBotApi.Call c) {
        return c.text() != null && c.text().startsWith("Card ");
    }

    /** The manager chat's messages since the cards began (the greeting before them left out). */
    private static List<FakeBotApi.Call> sent() {
        List<FakeBotApi.Call> all = api.calls("sendMessage", MANAGER);
        return all.subList(Math.min(skip, all.size()), all.size());
    }

    private static int skip;

    private static long cardsSoFar() {
        return sent().stream().filter(ReplyPriorityTests::isCard).count();
    }

    /** Position (in the chat's messages) of the first non-card message after {@code after} messages. */
    private static int firstReplyAfter(int after, Duration timeout) {
        int[] found = {-1};
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            List<FakeBotApi.Call> calls = sent();
            for (int i = after; i < calls.size(); i++) {
                if (!isCard(calls.get(i))) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Sends an update and waits until its transaction committed; gives back how many cards had arrived by then. */
    private long receive(org.telegram.telegrambots.meta.api.objects.Update update) {
        updates.receive(List.of(update));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql(
                        "SELECT processed_at IS NOT NULL FROM telegram_inbox WHERE update_id = ?").param(update.getUpdateId())
                .query(Boolean.class).optional().orElse(false));
        return cardsSoFar();
    }

    @Test
    void aBusyManagersRepliesGoAheadOfTheCardsQueuedInTheirChat() {
        // the manager has written before (their chat exists)
        receive(FakeBotApi.toUpdate(FakeBotApi.textUpdate(updateIds.incrementAndGet(), MANAGER, "/help")));
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> jdbc.sql(
                "SELECT count(*) FROM outbox WHERE chat_id = ? AND status IN ('PENDING', 'SENDING')").param(MANAGER)
                .query(Long.class).single() == 0);
        skip = api.calls("sendMessage", MANAGER).size();
        assertThat(skip).isPositive();
        // a card per transaction, as when partners' actions notify the manager one by one
        for (int i = 1; i <= CARDS; i++) {
            int n = i;
            transactions.executeWithoutResult(s -> outbox.send(MANAGER, Reply.Text.of("Card " + n)));
        }
        api.awaitCalls("sendMessage", c -> Long.valueOf(MANAGER).equals(c.chatId()) && isCard(c), 1, WAIT);

        // a command: answered before the cards still queued
        int before = sent().size();
        // once the update's transaction committed, only the card out at that moment may still go before its answer
        long cardsWhenSent = receive(FakeBotApi.toUpdate(FakeBotApi.textUpdate(updateIds.incrementAndGet(), MANAGER, "/language")));
        int answer = firstReplyAfter(before, Duration.ofSeconds(5));
        long cardsAhead = sent().subList(0, answer).stream().filter(ReplyPriorityTests::isCard).count();
        assertThat(cardsAhead).as("at most the card that was out when the answer was written goes first")
                .isLessThanOrEqualTo(cardsWhenSent + 1);
        assertThat(cardsAhead).as("the cards were still queued").isLessThan(CARDS - 5);
        FakeBotApi.Call choice = sent().get(answer);
        assertThat(choice.text()).isEqualTo("Choose your language:");

        // a button press: its answer goes ahead of the rest too
        String english = null;
        for (JsonNode row : choice.json("reply_markup").path("inline_keyboard")) {
            String data = row.get(0).path("callback_data").asText();
            if (data.startsWith("lang:en")) english = data;
        }
        assertThat(english).isNotNull();
        before = sent().size();
        cardsWhenSent = receive(FakeBotApi.toUpdate(FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), MANAGER, english, 1)));
        int done = firstReplyAfter(before, Duration.ofSeconds(5));
        assertThat(sent().get(done).text()).isEqualTo("Done, I will speak English now.");
        cardsAhead = sent().subList(0, done).stream().filter(ReplyPriorityTests::isCard).count();
        assertThat(cardsAhead).isLessThanOrEqualTo(cardsWhenSent + 1).isLessThan(CARDS);

        // every card, once, in order
        api.awaitCalls("sendMessage", c -> Long.valueOf(MANAGER).equals(c.chatId()) && isCard(c), CARDS, WAIT);
        List<String> cards = sent().stream().filter(ReplyPriorityTests::isCard).map(FakeBotApi.Call::text).toList();
        assertThat(cards).containsExactlyElementsOf(IntStream.rangeClosed(1, CARDS).mapToObj(i -> "Card " + i).toList());
        // and never two of the chat at once: consecutive messages keep the per-chat pace
        List<FakeBotApi.Call> all = sent();
        for (int i = 1; i < all.size(); i++) {
            assertThat(Duration.between(all.get(i - 1).at(), all.get(i).at())).isGreaterThan(Duration.ofMillis(300));
        }
    }
}
