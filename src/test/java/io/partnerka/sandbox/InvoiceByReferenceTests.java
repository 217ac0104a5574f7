package io.partnerka.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partnerka.payout.PayoutTestBase;
import io.partnerka.payout.PayoutView;
import io.partnerka.testing.ChatTester;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An invoice is stored once, with its payout: the outbox rows that send it hold a reference, never the PDF, and the
 * transport reads it when sending, so the partner (here the sandbox's Telegram) still receives the very document.
 * In the sandbox package to read what its Telegram received; the payout fixtures share the deal tests' context.
 */
class InvoiceByReferenceTests extends PayoutTestBase {

    @Autowired SandboxChats sandbox;

    @Test
    void theInvoicePdfIsInNoOutboxPayloadYetThePartnerReceivesTheDocument() {
        ChatTester anna = approvedPartner("Анна Счётова");
        paidDeal(anna, "Клиент Счёта", "100000");
        approvedRequisites(anna, "Анна Счётова");
        PayoutView payout = payouts.request(anna.userId(), null, "RUB", "invoice-by-reference").payout();
        byte[] pdf = payouts.invoicePdf(payout.id()).orElseThrow();
        String base64 = Base64.getEncoder().encodeToString(pdf);

        // no outbox row carries the PDF (nor any recognisable part of it)
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE strpos(payload::text, ?) > 0")
                .param(base64.substring(0, 200)).query(Integer.class).single()).isZero();
        Map<String, Object> row = jdbc.sql("""
                        SELECT id, payload->>'store' AS store, payload->>'key' AS key, payload->>'content' AS content,
                               payload->>'fileName' AS file_name
                        FROM outbox WHERE chat_id = ? AND payload->>'type' = 'document' ORDER BY id DESC LIMIT 1""")
                .param(anna.userId()).query().singleRow();
        assertThat(row).containsEntry("store", "invoice").containsEntry("key", String.valueOf(payout.id()))
                .containsEntry("content", null).containsEntry("file_name", "invoice-" + payout.invoiceNumber() + ".pdf");
        // the managers' copies refer to the same stored invoice
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'store' = 'invoice' AND payload->>'key' = ?")
                .params(MANAGER, String.valueOf(payout.id())).query(Integer.class).single()).isOne();

        // the app's sender delivers it: the partner's Telegram has the document, byte for byte the stored invoice
        long outboxId = ((Number) row.get("id")).longValue();
        await().atMost(Duration.ofSeconds(20)).until(() -> "SENT".equals(
                jdbc.sql("SELECT status FROM outbox WHERE id = ?").param(outboxId).query(String.class).single()));
        int messageId = jdbc.sql("SELECT telegram_message_id FROM outbox WHERE id = ?").param(outboxId).query(Integer.class).single();
        SandboxChats.MessageView received = sandbox.changes(anna.userId(), 0).messages().stream()
                .filter(m -> m.id() == messageId).findFirst().orElseThrow();
        assertThat(received.kind()).isEqualTo(SandboxChats.Kind.DOCUMENT);
        assertThat(received.file().name()).isEqualTo("invoice-" + payout.invoiceNumber() + ".pdf");
        assertThat(sandbox.file(received.file().fileId()).orElseThrow().content()).isEqualTo(pdf);
    }
}
