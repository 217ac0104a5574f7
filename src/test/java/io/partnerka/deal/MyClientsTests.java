package io.partnerka.deal;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.testing.ChatTester;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** My clients: a paginated list with a status filter, a client's card with its history; my numbers. */
class MyClientsTests extends DealsTestBase {

    private void pay(DealView deal, String amount) {
        deals.change(deal.id(), DealChange.external("crm", "paid", new BigDecimal(amount), "RUB", null, false));
    }

    @Test
    void thePartnerPagesAndFiltersTheirClientsAndOpensACardWithItsHistory() {
        ChatTester anna = approvedPartner("Анна");
        List<DealView> mine = new ArrayList<>();
        for (int i = 1; i <= 7; i++) mine.add(submit(anna, "Клиент Номер" + i));
        deals.change(mine.get(0).id(), new DealChange("in_progress", null, null, "Назначена встреча", false, null,
                "manager", MANAGER, "Мария"));
        pay(mine.get(1), "20000");
        ChatTester boris = approvedPartner("Борис");
        DealView borisClient = submit(boris, "Чужой Клиент");

        anna.send(anna.text("deal.menu.clients")).expect("deal.list.header").expectContaining("Страница 1 из 2")
                .expectContaining("Клиент Номер7").expectContaining("Клиент Номер3")
                .expectContaining("сумма пока не известна");
        assertThat(anna.lastText().text()).doesNotContain("Клиент Номер2").doesNotContain("Чужой Клиент");

        anna.press("▶️").expect("deal.list.header").expectContaining("Страница 2 из 2").expectContaining("Клиент Номер2")
                .expectContaining("3\u00a0000,00\u00a0₽").expectContaining("Клиент Номер1");
        assertThat(anna.lastText().editOf()).as("a page replaces the list message").isNotNull();

        anna.press(anna.text("deal.status.paid")).expect("deal.list.header").expectContaining(": 1")
                .expectContaining("Клиент Номер2");
        assertThat(anna.lastText().text()).doesNotContain("Клиент Номер1");
        anna.press(anna.text("deal.status.lost")).expect("deal.list.empty-filter");

        anna.press("deal.list.filter-all").press("▶️").press("#" + mine.get(0).id() + " Клиент Номер1")
                .expect("deal.card.partner").expectContaining("Назначена встреча").expectContaining("В работе")
                .expectContaining(mine.get(0).clientPhone());

        // someone else's client: the same neutral answer as a number that does not exist
        anna.send("/clients " + borisClient.id()).expect("deal.not-yours").expectNo("deal.card.partner");
        anna.send("/clients 999999999").expect("deal.not-yours");
        anna.send("/clients что-то").expect("deal.list.usage");
        anna.send("/clients " + mine.get(1).id()).expect("deal.card.partner").expectContaining("комиссия");
    }

    @Test
    void aNewPartnerIsInvitedToSubmitTheirFirstClient() {
        approvedPartner("Новенький").send("/clients").expect("deal.list.empty");
    }

    @Test
    void myNumbersCountClientsConversionAndEarnings() {
        ChatTester anna = approvedPartner("Анна");
        List<DealView> mine = new ArrayList<>();
        for (int i = 0; i < 4; i++) mine.add(submit(anna, "Статистика Клиент" + i));
        pay(mine.get(0), "10000");
        pay(mine.get(1), "30000");
        deals.change(mine.get(2).id(), DealChange.external("crm", "lost", null, null, null, false));

        anna.send("/stats").expect("deal.stats.text").expectContaining("Передано клиентов: <b>4</b>")
                .expectContaining("В работе: 1").expectContaining("Оплачено: 2 · Отказ: 1")
                .expectContaining("Конверсия в оплату: 50 %")
                .expectContaining("Заработано в этом месяце: <b>6\u00a0000,00\u00a0₽</b>")
                .expectContaining("Доступно к выплате: 6\u00a0000,00\u00a0₽")
                .expectContaining("оплачено сейчас: 2");
    }

    @Test
    void anOpenDealWithAKnownAmountShowsTheExpectedCommission() {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Ожидаемый Клиент");
        deals.change(deal.id(), DealChange.external("crm", "contract", new BigDecimal("50000"), "RUB", null, false));
        anna.send("/clients").expectContaining("ожидаемая комиссия ≈ 7\u00a0500,00\u00a0₽ (15 %)");
    }
}
