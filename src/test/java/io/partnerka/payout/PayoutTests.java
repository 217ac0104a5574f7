package io.partnerka.payout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.UserError;
import io.partnerka.testing.ChatTester;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Balance and payouts end to end: a request holds funds and sends the invoice, a double tap makes one request, the
 * manager approves and marks it paid (or rejects, which releases the funds), fifty concurrent requests never overdraw,
 * the invoice PDF reads back with its Cyrillic text, stale, forged and foreign buttons change nothing.
 */
class PayoutTests extends PayoutTestBase {

    @org.springframework.beans.factory.annotation.Value("${partnerka.company.name}") String companyName;

    private static String rubles(String digits) {
        return digits + "\u00a0₽";
    }

    private long payoutsOf(ChatTester partner) {
        return jdbc.sql("SELECT count(*) FROM payout WHERE partner_id = ?").param(partnerOf(partner).id()).query(Long.class).single();
    }

    private long lastPayout(ChatTester partner) {
        return jdbc.sql("SELECT max(id) FROM payout WHERE partner_id = ?").param(partnerOf(partner).id()).query(Long.class).single();
    }

    @Test
    void aPartnerRequestsEverythingGetsTheInvoiceAndTheManagerApprovesAndMarksItPaid() throws Exception {
        ChatTester maria = manager();
        ChatTester anna = approvedPartner("Анна Выплатова");
        paidDeal(anna, "Клиент Платёжный", "100000");
        anna.send("/balance").expectContaining(rubles("15\u00a0000,00")).expectContaining("сначала укажите реквизиты");
        assertThatThrownBy(() -> payouts.request(anna.userId(), null, "RUB", "early"))
                .isInstanceOf(UserError.class).hasMessage("payout.no-requisites");

        approvedRequisites(anna, "Анна Выплатова");
        anna.send("/balance").press(anna.text("payout.all-button").replace("{amount}", rubles("15\u00a0000,00")))
                .expect("payout.confirm").expectContaining("•••• 1111");
        String confirm = anna.buttonData("payout.confirm-button");
        anna.press("payout.confirm-button").expect("payout.requested");
        assertThat(anna.last()).anySatisfy(s -> {
            assertThat(s.type()).isEqualTo("document");
            assertThat(s.fileName()).matches("invoice-\\d+\\.pdf");
        });
        // the same button again (a double tap, a repeated update): still one request
        anna.pressData(confirm, 1).expect("payout.already-requested");
        assertThat(payoutsOf(anna)).isEqualTo(1);
        assertThat(rub(anna)).satisfies(s -> {
            assertThat(s.available()).isEqualByComparingTo("0");
            assertThat(s.onHold()).isEqualByComparingTo("15000");
            assertThat(s.paidOut()).isEqualByComparingTo("0");
        });

        long id = lastPayout(anna);
        // the CRM hears about it (no account numbers in the webhook)
        assertThat(jdbc.sql("SELECT payload FROM crm_delivery WHERE event_type = 'payout.requested' AND payload LIKE ?")
                .param("%\"payout_id\":" + id + ",%").query(String.class).list())
                .singleElement().satisfies(p -> assertThat(p).contains("\"amount\":\"15000.00\"").doesNotContain("4111111111111111"));
        maria.poll();
        maria.expect("approval.card").expectContaining("Заявка на выплату №" + id).expectContaining("•••• 1111");
        assertThat(maria.last()).anySatisfy(s -> assertThat(s.fileName()).matches("invoice-\\d+\\.pdf"));
        maria.press("approval.approve").expect("approval.done-approved-text").expect("payout.mark-paid-hint");
        maria.press("approval.approve").expect("approval.already-decided");   // the stale Approve button
        anna.poll();
        anna.expect("payout.queued");
        assertThat(payouts.find(id)).get().extracting(PayoutView::status).isEqualTo("APPROVED");

        maria.press("payout.mark-paid-button").expect("payout.ask-reference").send("ПП-4711").expect("payout.marked-paid");
        anna.poll();
        anna.expect("payout.paid-with-reference").expectContaining("ПП-4711");
        assertThat(rub(anna)).satisfies(s -> {
            assertThat(s.available()).isEqualByComparingTo("0");
            assertThat(s.onHold()).isEqualByComparingTo("0");
            assertThat(s.paidOut()).isEqualByComparingTo("15000");
        });
        maria.press("payout.mark-paid-button").expect("payout.already-paid");   // stale: nothing changes
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_entry WHERE payout_id = ? AND type = 'PAYOUT'").param(id)
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE subject = ? AND action = 'payout.paid'").param("payout#" + id)
                .query(Integer.class).single()).isEqualTo(1);
        anna.send("/balance").expectContaining("выплачено (заявка №" + id + ")").expectContaining("удержано по заявке");

        // the invoice reads back: number, Cyrillic names, the deal, the masked card, the total
        String text;
        PdfReader reader = new PdfReader(payouts.invoicePdf(id).orElseThrow());
        try {
            text = new PdfTextExtractor(reader).getTextFromPage(1).replace('\u00a0', ' ').replaceAll("[ ]+", " ");
        } finally {
            reader.close();
        }
        long number = payouts.find(id).orElseThrow().invoiceNumber();
        assertThat(text).contains("Счёт № " + number).contains("Анна Выплатова").contains("Клиент Платёжный")
                .contains("1111").contains("К выплате: 15 000,00").contains("Плательщик")
                .doesNotContain("4111111111111111").doesNotContain("4111 1111 1111 1111");

        // accounting export: a file for managers only, numbers masked
        anna.send("/payouts_csv").expect("common.not-manager");
        maria.send("/payouts_csv");
        String csv = new String(Base64.getDecoder().decode(jdbc.sql("SELECT payload->>'content' FROM outbox WHERE id = ?")
                .param(maria.last().get(0).id()).query(String.class).single()), StandardCharsets.UTF_8);
        assertThat(maria.last().get(0).fileName()).endsWith(".csv");
        assertThat(csv).contains("Анна Выплатова").contains("15000.00").contains("PAID").contains("ПП-4711")
                .contains("•••• 1111").doesNotContain("4111111111111111");
    }

    @Test
    void anEnglishPartnersInvoiceReadsInEnglishWithTheEnglishMoneyFormat() throws Exception {
        ChatTester ann = approvedPartner("Ann Payton");
        paidDeal(ann, "Client Paying", "100000");
        approvedRequisites(ann, "Ann Payton");
        jdbc.sql("UPDATE chat SET language = 'en', language_chosen = TRUE WHERE chat_id = ?").param(ann.userId()).update();
        payouts.request(ann.userId(), null, "RUB", "english-invoice");
        String text;
        PdfReader reader = new PdfReader(payouts.invoicePdf(lastPayout(ann)).orElseThrow());
        try {
            text = new PdfTextExtractor(reader).getTextFromPage(1);
        } finally {
            reader.close();
        }
        // the payer is the operator's own name (configured, here in Russian); every other word is the catalog's
        String words = text.replace(companyName, "");
        assertThat(words).contains("15,000.00").contains("Ann Payton").contains("Client Paying");
        assertThat(words).as("Russian letters or quotation marks in an English invoice").doesNotContainPattern("[\\p{IsCyrillic}«»]");
    }

    @Test
    void aChosenAmountIsCheckedAndARejectionReleasesTheFunds() {
        ChatTester maria = manager();
        ChatTester boris = approvedPartner("Борис Частичный");
        paidDeal(boris, "Клиент Частичный", "20000");   // 3 000,00 ₽
        approvedRequisites(boris, "Борис Частичный");
        boris.send("/balance").press("payout.part-button").expect("payout.ask-amount")
                .send("10").expect("payout.below-minimum")
                .send("5000").expect("payout.above-available")
                .sendSticker().expect("validation.not-text")
                .send("2000").expect("payout.confirm")
                .press("payout.confirm-button").expect("payout.requested");
        assertThat(rub(boris).available()).isEqualByComparingTo("1000");
        assertThat(rub(boris).onHold()).isEqualByComparingTo("2000");

        maria.poll();
        maria.press("approval.reject").expect("approval.ask-reason").send("Нет подписанного акта").expect("approval.done-rejected-text");
        boris.poll();
        boris.expect("payout.rejected").expectContaining("Нет подписанного акта");
        assertThat(rub(boris)).satisfies(s -> {
            assertThat(s.available()).isEqualByComparingTo("3000");
            assertThat(s.onHold()).isEqualByComparingTo("0");
        });
        assertThat(payouts.find(lastPayout(boris))).get().extracting(PayoutView::status).isEqualTo("REJECTED");
        // a rejected payout cannot be marked paid
        assertThatThrownBy(() -> payouts.markPaid(lastPayout(boris), Decider.telegram(MANAGER, "Мария"), null))
                .isInstanceOf(UserError.class).hasMessage("payout.already-rejected");
    }

    @Test
    void fiftyConcurrentRequestsNeverOverdrawAndOneButtonMakesOneRequest() throws Exception {
        ChatTester petr = approvedPartner("Пётр Гонщик");
        paidDeal(petr, "Клиент Гонки", "100000");   // 15 000,00 ₽ = 15 requests of 1 000
        approvedRequisites(petr, "Пётр Гонщик");
        long partnerId = partnerOf(petr).id();

        List<Boolean> outcomes = concurrently(50, i -> {
            try {
                return payouts.request(petr.userId(), new BigDecimal("1000"), "RUB", "race-" + i).fresh();
            } catch (UserError refused) {
                assertThat(refused.key()).isEqualTo("payout.above-available");
                return false;
            }
        });
        assertThat(outcomes).filteredOn(b -> b).hasSize(15);
        assertThat(rub(petr).available()).isEqualByComparingTo("0");
        assertThat(rub(petr).onHold()).isEqualByComparingTo("15000");
        assertThat(jdbc.sql("SELECT min(running) FROM (SELECT sum(amount) OVER (ORDER BY id) AS running FROM ledger_entry WHERE partner_id = ?) t")
                .param(partnerId).query(BigDecimal.class).single()).isGreaterThanOrEqualTo(BigDecimal.ZERO);
        // invoice numbers: distinct, without gaps
        assertThat(jdbc.sql("SELECT max(invoice_number) - min(invoice_number) + 1 = count(DISTINCT invoice_number) FROM payout WHERE partner_id = ?")
                .param(partnerId).query(Boolean.class).single()).isTrue();

        ChatTester vera = approvedPartner("Вера Двойная");
        paidDeal(vera, "Клиент Двойной", "100000");
        approvedRequisites(vera, "Вера Двойная");
        List<Long> ids = concurrently(10, i -> payouts.request(vera.userId(), new BigDecimal("1000"), "RUB", "same-button").payout().id());
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(payoutsOf(vera)).isEqualTo(1);
        assertThat(rub(vera).available()).isEqualByComparingTo("14000");
    }

    @Test
    void foreignForgedAndManagerOnlyButtonsAreRefused() {
        ChatTester maria = manager();
        ChatTester gleb = approvedPartner("Глеб Чужой");
        paidDeal(gleb, "Клиент Чужой", "100000");
        approvedRequisites(gleb, "Глеб Чужой");
        gleb.send("/balance").press(gleb.text("payout.all-button").replace("{amount}", rubles("15\u00a0000,00")))
                .press("payout.confirm-button").expect("payout.requested");
        long id = lastPayout(gleb);
        maria.poll();
        maria.press("approval.approve").expect("payout.mark-paid-hint");

        // the manager's Mark paid button pressed in the partner's chat: its signature is not valid there
        gleb.pressData(maria.buttonData("payout.mark-paid-button"), 1).expect("common.button-invalid");
        gleb.pressData("po:paid:" + id + "#AAAAAAAA", 1).expect("common.button-invalid");
        gleb.send("/payouts").expect("common.not-manager");
        gleb.send("/pending").expect("common.not-manager");
        assertThatThrownBy(() -> payouts.markPaid(id, Decider.telegram(gleb.userId(), "Глеб"), "x"))
                .isInstanceOf(UserError.class).hasMessage("common.not-manager");
        assertThat(payouts.find(id)).get().extracting(PayoutView::status).isEqualTo("APPROVED");

        // the queue shows it with its own button; /invoice sends the PDF again
        maria.send("/payouts").expect("payout.queue-title").expectContaining("Глеб Чужой");
        maria.send("/invoice " + id);
        assertThat(maria.last()).singleElement().extracting(ChatTester.Said::type).isEqualTo("document");
    }

    private interface Task<T> {
        T run(int i) throws Exception;
    }

    private static <T> List<T> concurrently(int threads, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            futures.add(pool.submit((Callable<T>) () -> {
                start.await();
                return task.run(n);
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) results.add(f.get());
        pool.shutdown();
        return results;
    }
}
