package io.partnerka.payout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Balance and payouts end to end: a request holds funds and sends the invoice, a double tap makes one request, the
 * manager approves and marks it paid (or rejects, which releases the funds), fifty concurrent requests never overdraw,
 * the invoice PDF reads back with its Cyrillic text, stale, forged and foreign buttons change nothing; an approved
 * payout whose transfer bounced is cancelled with a reason and its hold comes back exactly once.
 */
class PayoutTests extends PayoutTestBase {

    @Autowired MeterRegistry meters;

    private long entries(long payoutId, String type) {
        return jdbc.sql("SELECT count(*) FROM ledger_entry WHERE payout_id = ? AND type = ?").params(payoutId, type)
                .query(Long.class).single();
    }

    private long audited(long payoutId, String action) {
        return jdbc.sql("SELECT count(*) FROM audit_log WHERE subject = ? AND action = ?").params("payout#" + payoutId, action)
                .query(Long.class).single();
    }

    /** How many of these messages said {@code key} (any arguments). */
    private static long said(ChatTester chat, List<ChatTester.Said> messages, String key) {
        var pattern = ChatTester.templatePattern(chat.text(key));
        return messages.stream().filter(m -> m.text() != null && pattern.matcher(m.text()).matches()).count();
    }

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

    @Test
    void aManagerCancelsABouncedPayoutWithAReasonAndTheHoldComesBackOnce() {
        ChatTester maria = manager();
        ChatTester dina = approvedPartner("Дина Возвратова");
        paidDeal(dina, "Клиент Возвратный", "100000");   // 15 000,00 ₽
        approvedRequisites(dina, "Дина Возвратова");
        dina.send("/balance").press(dina.text("payout.all-button").replace("{amount}", rubles("15\u00a0000,00")))
                .press("payout.confirm-button").expect("payout.requested");
        long id = lastPayout(dina);
        // not approved yet: that is a rejection in the approval queue, not a cancel
        assertThatThrownBy(() -> payouts.cancel(id, Decider.telegram(MANAGER, "Мария"), "Перевод вернулся"))
                .isInstanceOf(UserError.class).hasMessage("payout.cancel-not-approved");
        maria.poll();
        maria.press("approval.approve").expect("payout.mark-paid-hint");
        dina.poll();

        // the queue: Mark paid and Cancel payout; the cancel asks for the reason the partner will read
        maria.send("/payouts").expect("payout.queue-title").expectContaining("Дина Возвратова");
        String cancelButton = maria.buttonData("payout.cancel-button");
        dina.pressData(cancelButton, 1).expect("common.button-invalid");   // the manager's button in the partner's chat
        maria.press("payout.cancel-button").expect("payout.ask-cancel-reason")
                .send("Банк вернул перевод: счёт закрыт").expect("payout.cancelled-manager");
        assertThat(payouts.find(id)).get().satisfies(v -> {
            assertThat(v.status()).isEqualTo("CANCELLED");
            assertThat(v.cancelReason()).isEqualTo("Банк вернул перевод: счёт закрыт");
            assertThat(v.cancelledAt()).isNotNull();
        });
        List<ChatTester.Said> toDina = dina.poll();
        assertThat(said(dina, toDina, "payout.cancelled")).isEqualTo(1);
        dina.expect("payout.cancelled").expectContaining("Банк вернул перевод: счёт закрыт");
        assertThat(rub(dina)).satisfies(s -> {
            assertThat(s.available()).isEqualByComparingTo("15000");
            assertThat(s.onHold()).isEqualByComparingTo("0");
            assertThat(s.paidOut()).isEqualByComparingTo("0");
        });
        assertThat(entries(id, "PAYOUT_HOLD")).isEqualTo(1);
        assertThat(entries(id, "PAYOUT_CANCEL")).isEqualTo(1);
        assertThat(jdbc.sql("""
                        SELECT actor_id || ' ' || channel || ' ' || (before->>'status') || ' ' || (after->>'status') || ' ' || (after->>'reason')
                        FROM audit_log WHERE subject = ? AND action = 'payout.cancelled'""")
                .param("payout#" + id).query(String.class).single())
                .isEqualTo(MANAGER + " telegram APPROVED CANCELLED Банк вернул перевод: счёт закрыт");

        // the same button again (a double tap), the stale Mark paid: refused, nothing moves
        maria.pressData(cancelButton, 1).expect("payout.already-cancelled");
        maria.press("payout.mark-paid-button").expect("payout.already-cancelled");
        assertThatThrownBy(() -> payouts.markPaid(id, Decider.telegram(MANAGER, "Мария"), "ПП-1"))
                .isInstanceOf(UserError.class).hasMessage("payout.already-cancelled");
        assertThat(entries(id, "PAYOUT_CANCEL")).isEqualTo(1);
        assertThat(entries(id, "PAYOUT")).isZero();
        assertThat(said(dina, dina.poll(), "payout.cancelled")).isZero();
        dina.send("/balance").expectContaining("выплата №" + id + " отменена");
        // the money can be requested again
        assertThat(payouts.request(dina.userId(), new BigDecimal("15000"), "RUB", "again").fresh()).isTrue();
    }

    @Test
    void twoManagersCancellingAtOnceReleaseTheHoldOnceAndPaidOrRejectedPayoutsCannotBeCancelled() throws Exception {
        ChatTester egor = approvedPartner("Егор Двойной");
        paidDeal(egor, "Клиент Отменный", "100000");   // 15 000,00 ₽
        approvedRequisites(egor, "Егор Двойной");
        long id = payouts.request(egor.userId(), new BigDecimal("5000"), "RUB", "bounced").payout().id();
        approvals.approve(openItem("payout", id), Decider.telegram(MANAGER, "Мария"));
        egor.poll();
        double countedBefore = meters.counter("partnerka.payouts", "step", "cancelled").count();

        List<String> outcomes = concurrently(10, i -> {
            try {
                payouts.cancel(id, Decider.telegram(i % 2 == 0 ? MANAGER : OTHER_MANAGER, "Менеджер " + i), "Возврат банка " + i);
                return "cancelled";
            } catch (UserError refused) {
                return refused.key();
            }
        });
        assertThat(outcomes).filteredOn("cancelled"::equals).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !"cancelled".equals(o)).hasSize(9).containsOnly("payout.already-cancelled");
        assertThat(entries(id, "PAYOUT_CANCEL")).isEqualTo(1);
        assertThat(audited(id, "payout.cancelled")).isEqualTo(1);
        assertThat(said(egor, egor.poll(), "payout.cancelled")).isEqualTo(1);
        assertThat(rub(egor)).satisfies(s -> {
            assertThat(s.available()).isEqualByComparingTo("15000");
            assertThat(s.onHold()).isEqualByComparingTo("0");
        });
        assertThat(meters.counter("partnerka.payouts", "step", "cancelled").count()).isEqualTo(countedBefore + 1);

        // a paid payout cannot be cancelled (clear answer), nor can a rejected one; a partner cannot cancel at all
        long paid = payouts.request(egor.userId(), new BigDecimal("2000"), "RUB", "paid-one").payout().id();
        approvals.approve(openItem("payout", paid), Decider.telegram(MANAGER, "Мария"));
        payouts.markPaid(paid, Decider.telegram(MANAGER, "Мария"), "ПП-77");
        assertThatThrownBy(() -> payouts.cancel(paid, Decider.telegram(MANAGER, "Мария"), "Поздно"))
                .isInstanceOf(UserError.class).hasMessage("payout.cancel-paid");
        long rejected = payouts.request(egor.userId(), new BigDecimal("1000"), "RUB", "rejected-one").payout().id();
        approvals.reject(openItem("payout", rejected), Decider.telegram(MANAGER, "Мария"), "Нет акта");
        assertThatThrownBy(() -> payouts.cancel(rejected, Decider.telegram(MANAGER, "Мария"), "Зачем"))
                .isInstanceOf(UserError.class).hasMessage("payout.cancel-rejected");
        assertThatThrownBy(() -> payouts.cancel(id, Decider.telegram(egor.userId(), "Егор"), "Сам отменю"))
                .isInstanceOf(UserError.class).hasMessage("common.not-manager");
        assertThatThrownBy(() -> payouts.cancel(paid, Decider.telegram(MANAGER, "Мария"), "   "))
                .isInstanceOf(UserError.class).hasMessage("payout.cancel-reason-needed");
        assertThat(entries(paid, "PAYOUT_CANCEL")).isZero();
        assertThat(entries(rejected, "PAYOUT_CANCEL")).isZero();
        assertThat(payouts.find(paid)).get().extracting(PayoutView::status).isEqualTo("PAID");
        assertThat(rub(egor).paidOut()).isEqualByComparingTo("2000");
        assertThat(rub(egor).available()).isEqualByComparingTo("13000");
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
