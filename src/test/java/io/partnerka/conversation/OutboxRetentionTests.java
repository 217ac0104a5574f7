package io.partnerka.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partnerka.PartnerkaTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Personal data in the outbox, with the production setting (the other tests keep delivered content to read what the
 * bot said): a delivered or given-up message keeps its metadata and nothing of what it said, read back through JDBC;
 * the pruning job deletes finished rows after the retention and keeps open and recent ones; abandoned drafts lose
 * their content.
 */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.retention.delivered-content=0s")
class OutboxRetentionTests {

    private static final AtomicLong CHATS = new AtomicLong(6_100_000);
    private static final String PHONE = "+79035551234";

    @Autowired Outbox outbox;
    @Autowired Chats chats;
    @Autowired OutboxRetention retention;
    @Autowired RetentionSettings settings;
    @Autowired JdbcClient jdbc;

    private Map<String, Object> row(long id) {
        return jdbc.sql("SELECT * FROM outbox WHERE id = ?").param(id).query().singleRow();
    }

    private String rowText(long id) {
        return jdbc.sql("SELECT row_to_json(o)::text FROM outbox o WHERE id = ?").param(id).query(String.class).single();
    }

    private void awaitStatus(long id, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(row(id).get("status")));
    }

    @Test
    void aDeliveredMessageKeepsItsMetadataAndNothingOfWhatItSaid() {
        long chat = CHATS.incrementAndGet();
        long id = outbox.send(chat, Reply.Text.of("Клиент Иван Петров, телефон " + PHONE)
                .withButtons(List.of(List.of(new Button("Карточка", null, "https://crm.example.com/clients?phone=" + PHONE)))));
        long doc = outbox.send(chat, new Reply.Document("clients.csv", ("Иван;" + PHONE).getBytes(), "Список: " + PHONE));
        awaitStatus(id, "SENT");
        awaitStatus(doc, "SENT");

        Map<String, Object> sent = row(id);
        assertThat(sent.get("payload").toString()).isEqualTo("{\"type\": \"text\"}");
        assertThat(sent.get("chat_id")).isEqualTo(chat);
        assertThat(sent.get("attempts")).isEqualTo(1);
        assertThat(sent.get("telegram_message_id")).isNotNull();
        assertThat(sent.get("sent_at")).isNotNull();
        assertThat(sent.get("done_at")).isEqualTo(sent.get("sent_at"));
        assertThat(rowText(id)).doesNotContain("Иван").doesNotContain("9035551234");
        assertThat(row(doc).get("payload").toString()).isEqualTo("{\"type\": \"document\"}");
        assertThat(rowText(doc)).doesNotContain("9035551234").doesNotContain("clients.csv");
        // edits of a notification still find the delivered message's id
        assertThat(outbox.transportMessageId(id)).contains((Integer) sent.get("telegram_message_id"));
    }

    @Test
    void aMessageGivenUpOnOrDroppedKeepsNoContentEither() {
        // a chat that had blocked the bot when its message was claimed: given up
        long blocked = CHATS.incrementAndGet();
        jdbc.sql("INSERT INTO chat (chat_id, user_id, language, unreachable) VALUES (?, ?, 'ru', true)").params(blocked, blocked).update();
        long failed = outbox.send(blocked, Reply.Text.of("Ваш клиент " + PHONE));
        awaitStatus(failed, "FAILED");
        assertThat(row(failed)).containsEntry("last_error", "chat unreachable");
        assertThat(row(failed).get("done_at")).isNotNull();
        assertThat(rowText(failed)).doesNotContain("9035551234");

        // a message waiting for later when the person blocks the bot (403): dropped with its content
        long later = CHATS.incrementAndGet();
        long waiting = outbox.sendAt(later, Reply.Text.of("Напоминание про " + PHONE), Instant.now().plusSeconds(3600));
        chats.markUnreachable(later);
        assertThat(row(waiting)).containsEntry("status", "DROPPED");
        assertThat(rowText(waiting)).doesNotContain("9035551234");
    }

    @Test
    void pruningDeletesOldFinishedRowsAndKeepsOpenAndRecentOnes() {
        long chat = CHATS.incrementAndGet();
        Instant now = Instant.now();
        Duration keep = settings.outbox();
        long oldSent = insert(chat, "SENT", now.minus(keep).minus(Duration.ofDays(1)), null);
        long oldFailed = insert(chat, "FAILED", now.minus(keep).minus(Duration.ofHours(1)), null);
        long oldDropped = insert(chat, "DROPPED", now.minus(keep).minus(Duration.ofMinutes(1)), null);
        long recentSent = insert(chat, "SENT", now.minus(keep).plus(Duration.ofHours(1)), null);
        // open rows are never pruned, however old (not due for an hour, so the sender leaves them be)
        long oldPending = insert(chat, "PENDING", null, now.plus(Duration.ofHours(1)));

        OutboxRetention.Pruned pruned = retention.prune(now);
        assertThat(pruned.deleted()).isGreaterThanOrEqualTo(3);
        assertThat(jdbc.sql("SELECT id FROM outbox WHERE chat_id = ? ORDER BY id").param(chat).query(Long.class).list())
                .containsExactly(recentSent, oldPending)
                .doesNotContain(oldSent, oldFailed, oldDropped);
        // a second round finds nothing more to do
        assertThat(retention.prune(now).deleted()).isZero();
    }

    @Test
    void aDraftAbandonedForLongerThanItsLifetimeLosesItsContent() {
        long abandoned = CHATS.incrementAndGet();
        long active = CHATS.incrementAndGet();
        for (long chat : List.of(abandoned, active)) {
            jdbc.sql("""
                            INSERT INTO chat (chat_id, user_id, language, flow, step, draft, flow_updated_at)
                            VALUES (?, ?, 'ru', 'submit-client', 'phone', ?::jsonb, now() - make_interval(hours => ?))""")
                    .params(chat, chat, "{\"client_phone\": \"" + PHONE + "\"}", chat == abandoned ? 25 : 1).update();
        }
        retention.prune(Instant.now());
        assertThat(jdbc.sql("SELECT draft IS NULL FROM chat WHERE chat_id = ?").param(abandoned).query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("SELECT draft::text FROM chat WHERE chat_id = ?").param(active).query(String.class).single()).contains(PHONE);
    }

    private long insert(long chat, String status, Instant doneAt, Instant notBefore) {
        return jdbc.sql("""
                        INSERT INTO outbox (chat_id, payload, status, done_at, not_before, created_at)
                        VALUES (?, '{"type": "text"}'::jsonb, ?, ?, coalesce(?, now()), now() - interval '90 days') RETURNING id""")
                .params(chat, status, doneAt == null ? null : java.sql.Timestamp.from(doneAt),
                        notBefore == null ? null : java.sql.Timestamp.from(notBefore))
                .query(Long.class).single();
    }
}
