package io.partnerka.crm;

import io.partnerka.deal.DealStatusChanged;
import io.partnerka.deal.LeadSubmitted;
import io.partnerka.partner.PartnerApproved;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Outbound CRM events. Each is written as a delivery row in the transaction of the change that caused it (so it is
 * sent exactly when that change commits, and never lost), then sent by {@link CrmDeliverySender}. Envelope:
 * <pre>{@code {"id": "<uuid>", "type": "lead.submitted", "created_at": "...", "data": {...}}}</pre>
 * Other modules publish their own types (e.g. {@code payout.requested}) with {@link #publish}.
 */
@Service
public class CrmWebhooks {

    static final String WEBHOOK = "webhook";
    static final String BITRIX24 = "bitrix24";

    private final JdbcClient jdbc;
    private final CrmSettings settings;
    private final JsonMapper json = JsonMapper.builder().build();

    CrmWebhooks(JdbcClient jdbc, CrmSettings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /**
     * Queues an event for the configured webhook URL (nothing when none is configured); joins the caller's
     * transaction. {@code type} is dotted lower case, e.g. {@code payout.requested}; {@code data} must be JSON-able.
     */
    @Transactional
    public void publish(String type, Long dealId, Map<String, ?> data) {
        if (!type.matches("[a-z][a-z_]*(\\.[a-z_]+)+")) throw new IllegalArgumentException("Event type like lead.submitted: " + type);
        if (!settings.webhooksOn()) return;
        enqueue(WEBHOOK, type, dealId, data);
    }

    @EventListener
    void on(LeadSubmitted e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("deal_id", e.dealId());
        data.put("client", Map.of("name", e.clientName(), "phone", e.clientPhone()));
        data.put("product", Map.of("id", e.product(), "title", e.productTitle()));
        data.put("comment", e.comment());
        data.put("partner", Map.of("id", e.partnerId(), "name", e.partnerName()));
        data.put("submitted_at", e.submittedAt().toString());
        publish("lead.submitted", e.dealId(), data);
        if (settings.bitrixOn()) enqueue(BITRIX24, "lead.submitted", e.dealId(), data);
    }

    @EventListener
    void on(DealStatusChanged e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("deal_id", e.dealId());
        data.put("partner_id", e.partnerId());
        data.put("from", e.fromStatus());
        data.put("to", e.toStatus());
        data.put("amount", e.amount() == null ? null : e.amount().toPlainString());
        data.put("currency", e.currency());
        data.put("comment", e.comment());
        data.put("source", e.source());
        data.put("reopen", e.reopen());
        publish("deal.status_changed", e.dealId(), data);
    }

    @EventListener
    void on(PartnerApproved e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("partner_id", e.partnerId());
        data.put("telegram_user_id", e.userId());
        data.put("manager_id", e.managerId());
        data.put("type", e.type());
        publish("partner.approved", null, data);
    }

    private void enqueue(String target, String type, Long dealId, Map<String, ?> data) {
        UUID id = UUID.randomUUID();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", id.toString());
        envelope.put("type", type);
        envelope.put("created_at", Instant.now().toString());
        envelope.put("data", data);
        jdbc.sql("INSERT INTO crm_delivery (target, event_type, event_id, deal_id, payload) VALUES (?, ?, ?, ?, ?)")
                .params(target, type, id, dealId, json.writeValueAsString(envelope)).update();
    }
}
