package io.partnerka.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnerka.conversation.UserError;
import io.partnerka.money.Balance;
import io.partnerka.testing.ChatTester;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The manager's side: the deal card, moves with comments, paid with an amount, refunds, reopen, refusals. */
class ManagerDealJourneyTests extends DealsTestBase {

    private String move(ChatTester chat, String status) {
        return "→ " + chat.text("deal.status." + status);
    }

    @Test
    void theManagerMovesTheDealToPaidAndThePartnerIsToldTheExactCommissionAndBalance() {
        ChatTester maria = manager();
        ChatTester anna = approvedPartner("Анна Иванова");
        DealView deal = submit(anna, "Сергей Покупатель");
        anna.poll();

        maria.send("/deal " + deal.id()).expect("deal.card.manager").expectContaining("Сергей Покупатель")
                .press(move(maria, "in_progress")).expect("deal.manager.move-intro").expect("deal.manager.ask-comment")
                .send("Созвонились, клиент думает до пятницы").expect("deal.manager.moved").expect("deal.card.manager");
        anna.poll();
        anna.expect("deal.notify.status").expectContaining("В работе").expectContaining("клиент думает до пятницы");

        maria.press(move(maria, "paid")).expect("deal.manager.pay-intro").expect("deal.pay.ask-amount")
                .send("минус сто").expect("validation.amount")
                .send("-5").expect("validation.amount-range")
                .send("0").expect("validation.amount-range")
                .send("100.555").expect("validation.amount-range")
                .send("5000000000000").expect("validation.amount-range")
                .send("150 000,50").expect("deal.pay.ask-currency")
                .press("RUB ₽").expect("deal.manager.ask-comment")
                .press("common.skip").expect("deal.pay.confirm").expectContaining("<b>150\u00a0000,50</b>")
                .press("common.confirm").expect("deal.manager.paid-done").expectContaining("22\u00a0500,08\u00a0₽");

        anna.poll();
        anna.expect("deal.notify.paid").expectContaining("150\u00a0000,50\u00a0₽").expectContaining("22\u00a0500,08\u00a0₽")
                .expectContaining("15 %").expectContaining("Доступно к выплате: <b>22\u00a0500,08\u00a0₽</b>");

        DealView paid = deals.find(deal.id()).orElseThrow();
        assertThat(paid.status()).isEqualTo("paid");
        assertThat(paid.amount()).isEqualByComparingTo("150000.50");
        assertThat(paid.currency()).isEqualTo("RUB");
        assertThat(ledger.balance(paid.partnerId(), "RUB")).isEqualTo(
                new Balance("RUB", new BigDecimal("22500.08"), new BigDecimal("22500.08")));
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE subject = ?").param("deal#" + deal.id())
                .query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void aManagersStatsAreTheProgramsNumbersWithPassRatesPerCourse() {
        ChatTester maria = manager();
        ChatTester anna = approvedPartner("Анна Статистикова");
        submit(anna, "Клиент Для Статистики");
        maria.send("/stats").expect("deal.stats.program").expectContaining("🆕 Новый: ")
                .expectContaining("Обучение: сдали из пытавшихся");
        anna.send("/stats").expect("deal.stats.text");
    }

    @Test
    void aStaleMarkPaidPressedTwiceChangesNothing() {
        ChatTester maria = manager();
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Дважды Нажатый");
        maria.send("/deal " + deal.id());
        String paidButton = maria.buttonData(move(maria, "paid"));
        int cardMessage = (int) maria.lastText().id();

        maria.press(move(maria, "paid")).send("1000").press("RUB ₽").press("common.skip").press("common.confirm")
                .expect("deal.manager.paid-done");
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);

        maria.pressData(paidButton, cardMessage).expect("deal.manager.card-outdated").expect("deal.card.manager")
                .expectNo("deal.pay.ask-amount");
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);
        assertThat(deals.find(deal.id()).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void twoManagersPayingTheSameDealAtOnceAccrueOnce() {
        ChatTester maria = manager();
        ChatTester oleg = chat(OTHER_MANAGER, "Олег");
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Спорный Клиент");
        maria.send("/deal " + deal.id()).press(move(maria, "paid")).send("2000").press("RUB ₽").press("common.skip")
                .expect("deal.pay.confirm");
        oleg.send("/deal " + deal.id()).press(move(oleg, "paid")).send("3000").press("USD $").press("common.skip")
                .expect("deal.pay.confirm");
        maria.press("common.confirm").expect("deal.manager.paid-done");
        oleg.press("common.confirm").expect("deal.manager.card-outdated");
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);
        assertThat(deals.find(deal.id()).orElseThrow().amount()).isEqualByComparingTo("2000");
    }

    @Test
    void aRefundReversesTheCommissionAndAReopenedDealMayBePaidAgain() {
        ChatTester maria = manager();
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Вернувший Деньги");
        maria.send("/deal " + deal.id()).press(move(maria, "paid")).send("10000").press("RUB ₽").press("common.skip")
                .press("common.confirm");
        anna.poll();
        assertThat(maria.lastText().buttons()).extracting(b -> b[0]).containsExactly(maria.text("deal.button.refund"));

        maria.press("deal.button.refund").expect("deal.manager.ask-comment").send("Клиент расторг договор")
                .expect("deal.manager.moved");
        anna.poll();
        anna.expect("deal.notify.refunded").expectContaining("1\u00a0500,00\u00a0₽").expectContaining("0,00\u00a0₽")
                .expectContaining("расторг");
        long partnerId = deal.partnerId();
        assertThat(ledger.balance(partnerId, "RUB").available()).isEqualByComparingTo("0");
        assertThat(jdbc.sql("SELECT amount FROM ledger_entry WHERE deal_id = ? ORDER BY id").param(deal.id())
                .query(BigDecimal.class).list()).extracting(BigDecimal::toPlainString).containsExactly("1500.00", "-1500.00");

        // refunded -> reopen -> in progress -> paid again: a second, separate accrual
        maria.press("deal.button.reopen").expect("deal.manager.reopen-which")
                .press(move(maria, "in_progress")).expect("deal.manager.reopen-intro").press("common.skip")
                .expect("deal.manager.moved");
        anna.poll();
        anna.expect("deal.notify.reopened");
        maria.press(move(maria, "paid")).send("8000").press("RUB ₽").press("common.skip").press("common.confirm")
                .expect("deal.manager.paid-done");
        assertThat(ledger.balance(partnerId, "RUB").available()).isEqualByComparingTo("1200.00");
        assertThat(ledgerEntries(deal.id())).isEqualTo(3);
    }

    @Test
    void lostFromAnyOpenStatusAndNoWayBackWithoutAReopen() {
        ChatTester maria = manager();
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Передумавший Клиент");
        maria.send("/deal " + deal.id()).press(move(maria, "contract")).press("common.skip");
        DealView contract = deals.find(deal.id()).orElseThrow();
        assertThat(contract.status()).isEqualTo("contract");

        // backwards without reopen: refused, nothing changes
        assertThatThrownBy(() -> deals.change(deal.id(), DealChange.external("crm", "new", null, null, null, false)))
                .isInstanceOf(UserError.class).hasMessage("deal.move-needs-reopen");
        assertThat(deals.find(deal.id()).orElseThrow().version()).isEqualTo(contract.version());

        maria.press(move(maria, "lost")).send("Ушёл к конкурентам").expect("deal.manager.moved");
        anna.poll();
        anna.expect("deal.notify.status").expectContaining("Отказ").expectContaining("конкурентам");
        assertThat(maria.lastText().buttons()).extracting(b -> b[0]).containsExactly(maria.text("deal.button.reopen"));

        // lost is terminal: paid is not reachable from it
        assertThatThrownBy(() -> deals.change(deal.id(), DealChange.external("crm", "paid", new BigDecimal("1"), "RUB", null, false)))
                .isInstanceOf(UserError.class).hasMessage("deal.move-not-allowed");
        assertThat(ledgerEntries(deal.id())).isZero();
    }

    @Test
    void nonManagersAreRefusedAndBadIdsAreAnswered() {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Чужая Сделка");
        anna.send("/deal " + deal.id()).expect("common.not-manager").expectNo("deal.card.manager");
        anna.send("/deals").expect("common.not-manager");

        ChatTester maria = manager();
        maria.send("/deal").expect("deal.manager.usage");
        maria.send("/deal abc").expect("deal.manager.usage");
        maria.send("/deal 999999999").expect("deal.not-found");
        maria.send("/deals").expect("deal.manager.open-deals");
        assertThat(maria.keyboard()).isEmpty();
        assertThat(maria.send("/menu").keyboard()).contains(maria.text("deal.menu.deals"));
    }
}
