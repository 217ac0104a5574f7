package io.partnerka.crm;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.deal.DealsTestBase;
import io.partnerka.deal.HttpStandIn;
import io.partnerka.deal.HttpStandIn.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Outbound webhooks: written with the change that caused them, signed, retried with backoff while the receiver is
 * down, and delivered by a fresh sender after a restart (everything it needs is in the table).
 */
class CrmWebhookDeliveryTests extends DealsTestBase {

    private final HttpStandIn standIn = HttpStandIn.get();
    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired CrmDeliverySender sender;
    @Autowired CrmSettings settings;
    @Autowired Bitrix24Client bitrix;
    @Autowired CrmRetention retention;
    @Autowired io.partnerka.conversation.RetentionSettings retentionSettings;

    /** Sends everything due, as the scheduled sender would over a few rounds. */
    private void drain(CrmDeliverySender s) {
        while (s.deliverDue() > 0) {
            // rounds until nothing due is left (failures are rescheduled into the future)
        }
    }

    private Map<String, Object> delivery(long dealId, String type) {
        return jdbc.sql("SELECT * FROM crm_delivery WHERE deal_id = ? AND event_type = ? AND target = 'webhook'")
                .params(dealId, type).query().singleRow();
    }

    private List<HttpStandIn.Request> hooksFor(long dealId) {
        return standIn.requests("/hook").stream()
                .filter(r -> json.readTree(r.body()).path("data").path("deal_id").asLong() == dealId).toList();
    }

    @Test
    void aSubmittedLeadIsDeliveredSignedWithItsTypeAndDeliveryId() throws Exception {
        var anna = approvedPartner("Анна Вебхук");
        DealView deal = submit(anna, "Клиент Для Вебхука", "+79035550101", "payroll");
        assertThat(delivery(deal.id(), "lead.submitted")).containsEntry("status", "PENDING");

        drain(sender);
        HttpStandIn.Request hook = hooksFor(deal.id()).get(0);
        assertThat(hook.header("X-Partnerka-Event")).isEqualTo("lead.submitted");
        // signed like the inbound events: the attempt's timestamp is part of what is signed
        long timestamp = Long.parseLong(hook.header("X-Partnerka-Timestamp"));
        assertThat(timestamp).isBetween(java.time.Instant.now().getEpochSecond() - 60, java.time.Instant.now().getEpochSecond());
        assertThat(hook.header("X-Partnerka-Signature")).isEqualTo(CrmEventsEndpointTests.sign(timestamp, hook.body(), SECRET));
        JsonNode body = json.readTree(hook.body());
        assertThat(hook.header("X-Partnerka-Delivery")).isEqualTo(body.path("id").asString());
        assertThat(body.path("type").asString()).isEqualTo("lead.submitted");
        assertThat(body.path("data").path("client").path("phone").asString()).isEqualTo("+79035550101");
        assertThat(body.path("data").path("product").path("id").asString()).isEqualTo("payroll");
        assertThat(body.path("data").path("partner").path("name").asString()).isEqualTo("Анна Вебхук");
        // delivered: the row keeps its metadata, not the client's name and phone
        assertThat(delivery(deal.id(), "lead.submitted")).containsEntry("status", "DELIVERED").containsEntry("attempts", 1)
                .containsEntry("payload", null);
    }

    @Test
    void aReceiverThatIsDownGetsRetriesWithBackoffAndAFreshSenderDeliversAfterARestart() throws Exception {
        standIn.answer("/hook", r -> new Response(503, ""));
        var anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Клиент Перезапуска");

        drain(sender);
        Map<String, Object> failed = delivery(deal.id(), "lead.submitted");
        assertThat(failed).containsEntry("status", "PENDING").containsEntry("attempts", 1)
                .containsEntry("last_error", "webhook answered HTTP 503");
        assertThat(((java.sql.Timestamp) failed.get("next_attempt_at")).toInstant()).isAfter(java.time.Instant.now());
        drain(sender);
        assertThat(hooksFor(deal.id())).as("not retried before its time").hasSize(1);

        // the process dies here; later a new one starts with nothing but the database, and the receiver is back
        standIn.reset();
        jdbc.sql("UPDATE crm_delivery SET next_attempt_at = now() WHERE id = ?").param(failed.get("id")).update();
        CrmDeliverySender afterRestart = new CrmDeliverySender(jdbc, settings, new WebhookTransport(settings), bitrix);
        drain(afterRestart);

        assertThat(delivery(deal.id(), "lead.submitted")).containsEntry("status", "DELIVERED").containsEntry("attempts", 2);
        List<HttpStandIn.Request> attempts = hooksFor(deal.id());
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1).header("X-Partnerka-Delivery")).isEqualTo(attempts.get(0).header("X-Partnerka-Delivery"));
        assertThat(attempts.get(1).body()).isEqualTo(attempts.get(0).body());
    }

    @Test
    void aDeliveryClaimedByASenderThatCrashedComesBackWhenItsLeaseExpires() {
        var anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Клиент Аварии");
        Object id = delivery(deal.id(), "lead.submitted").get("id");
        jdbc.sql("UPDATE crm_delivery SET status = 'SENDING', attempts = 1, lease_until = now() - interval '1 second' WHERE id = ?")
                .param(id).update();

        drain(new CrmDeliverySender(jdbc, settings, new WebhookTransport(settings), bitrix));
        assertThat(delivery(deal.id(), "lead.submitted")).containsEntry("status", "DELIVERED").containsEntry("attempts", 2);
    }

    @Test
    void afterTheLastAttemptTheDeliveryIsKeptAsFailedForAnOperator() {
        standIn.answer("/hook", r -> new Response(500, ""));
        var anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Клиент Без Приёмника");
        Object id = delivery(deal.id(), "lead.submitted").get("id");
        for (int attempt = 1; attempt <= settings.maxAttempts; attempt++) {
            jdbc.sql("UPDATE crm_delivery SET next_attempt_at = now() WHERE id = ?").param(id).update();
            drain(sender);
        }
        assertThat(delivery(deal.id(), "lead.submitted")).containsEntry("status", "FAILED")
                .containsEntry("attempts", settings.maxAttempts).containsEntry("last_error", "webhook answered HTTP 500");
        assertThat(hooksFor(deal.id())).hasSize(settings.maxAttempts);
    }

    @Test
    void aDealsEventsGoOutInTheOrderTheyHappened() {
        standIn.answer("/hook", r -> new Response(503, ""));
        var anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Клиент Порядка");
        drain(sender);
        deals.change(deal.id(), DealChange.external("crm", "in_progress", null, null, null, false));
        standIn.reset();
        drain(sender);
        assertThat(hooksFor(deal.id())).as("the status change waits behind the failed lead").hasSize(1);

        jdbc.sql("UPDATE crm_delivery SET next_attempt_at = now() WHERE deal_id = ?").param(deal.id()).update();
        drain(sender);
        assertThat(hooksFor(deal.id())).extracting(r -> r.header("X-Partnerka-Event"))
                .containsExactly("lead.submitted", "lead.submitted", "deal.status_changed");
        JsonNode change = json.readTree(hooksFor(deal.id()).get(2).body()).path("data");
        assertThat(change.path("from").asString()).isEqualTo("new");
        assertThat(change.path("to").asString()).isEqualTo("in_progress");
        assertThat(change.path("source").asString()).isEqualTo("crm");
    }

    @Test
    void backoffGrowsExponentiallyUpToTheMaximum() {
        assertThat(sender.backoff(1).toMillis()).isBetween(1000L, 1200L);
        assertThat(sender.backoff(3).toMillis()).isBetween(4000L, 4800L);
        assertThat(sender.backoff(40)).isBetween(settings.backoffMax, settings.backoffMax.multipliedBy(12).dividedBy(10));
    }

    @Test
    void retentionDeletesOldDeliveredAndGivenUpRowsAndKeepsOpenAndRecentOnes() {
        Instant now = Instant.now();
        Duration keep = retentionSettings.crmDeliveries();
        long oldDelivered = deliveryRow("DELIVERED", now.minus(keep).minus(Duration.ofDays(1)));
        long oldFailed = deliveryRow("FAILED", now.minus(keep).minus(Duration.ofMinutes(1)));
        long recent = deliveryRow("DELIVERED", now.minus(keep).plus(Duration.ofHours(1)));
        long open = deliveryRow("PENDING", null);
        jdbc.sql("UPDATE crm_delivery SET next_attempt_at = now() + interval '1 day', created_at = now() - interval '90 days' WHERE id = ?")
                .param(open).update();

        int[] pruned = retention.prune(now);
        assertThat(pruned[0]).isGreaterThanOrEqualTo(2);
        List<Long> left = jdbc.sql("SELECT id FROM crm_delivery WHERE id IN (?, ?, ?, ?)").params(oldDelivered, oldFailed, recent, open)
                .query(Long.class).list();
        assertThat(left).containsExactlyInAnyOrder(recent, open);
    }

    @Test
    void rememberedCrmEventIdsArePrunedAfterTheirRetentionWhichOutlastsTheWindow() {
        assertThat(retentionSettings.crmEvents()).isGreaterThan(settings.maxSkew.multipliedBy(2));
        Instant now = Instant.now();
        String old = "retention-old-" + System.nanoTime();
        String recent = "retention-recent-" + System.nanoTime();
        jdbc.sql("INSERT INTO crm_event (source, event_id, status, result, received_at) VALUES ('crm', ?, 'paid', 'refused', ?)")
                .params(old, java.sql.Timestamp.from(now.minus(retentionSettings.crmEvents()).minusSeconds(60))).update();
        jdbc.sql("INSERT INTO crm_event (source, event_id, status, result, received_at) VALUES ('crm', ?, 'paid', 'refused', ?)")
                .params(recent, java.sql.Timestamp.from(now.minus(retentionSettings.crmEvents()).plusSeconds(3600))).update();
        retention.prune(now);
        assertThat(jdbc.sql("SELECT event_id FROM crm_event WHERE event_id IN (?, ?)").params(old, recent).query(String.class).list())
                .containsExactly(recent);
    }

    private long deliveryRow(String status, Instant doneAt) {
        return jdbc.sql("""
                        INSERT INTO crm_delivery (target, event_type, event_id, payload, status, done_at, delivered_at)
                        VALUES ('webhook', 'lead.submitted', ?, ?, ?, ?, ?) RETURNING id""")
                .params(java.util.UUID.randomUUID(), status.equals("DELIVERED") ? null : "{\"client\": {\"phone\": \"+79035550000\"}}",
                        status, doneAt == null ? null : java.sql.Timestamp.from(doneAt),
                        status.equals("DELIVERED") ? java.sql.Timestamp.from(doneAt) : null)
                .query(Long.class).single();
    }
}
