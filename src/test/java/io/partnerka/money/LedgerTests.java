package io.partnerka.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnerka.deal.ChangeResult;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.deal.DealsTestBase;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

/**
 * The ledger: a commission accrues once per deal whatever the number of paid events (repeated and concurrent, on
 * real threads against the real database), tiers from the 10th paid client, refunds reverse, history is never edited.
 */
@RecordApplicationEvents
class LedgerTests extends DealsTestBase {

    private static final AtomicLong PARTNERS = new AtomicLong(9_000_000);
    private static final AtomicLong DEALS = new AtomicLong(8_000_000_000L);

    @Autowired ApplicationEvents events;

    private static long newPartner() {
        return PARTNERS.incrementAndGet();
    }

    private static long newDeal() {
        return DEALS.incrementAndGet();
    }

    private static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) results.add(f.get());
        pool.shutdown();
        return results;
    }

    @Test
    void aRepeatedPaidEventDoesNotAccrueAgain() {
        long partner = newPartner();
        long deal = newDeal();
        Accrual first = ledger.accrueCommission(partner, deal, new BigDecimal("100000.00"), "RUB");
        Accrual again = ledger.accrueCommission(partner, deal, new BigDecimal("999999.00"), "RUB");

        assertThat(first.fresh()).isTrue();
        assertThat(first.commission().amount()).isEqualByComparingTo("15000.00");
        assertThat(again.fresh()).isFalse();
        assertThat(again.commission()).isEqualTo(first.commission());
        assertThat(ledgerEntries(deal)).isEqualTo(1);
        assertThat(ledger.balance(partner, "RUB").available()).isEqualByComparingTo("15000.00");
        assertThat(events.stream(CommissionAccrued.class).filter(e -> e.dealId() == deal))
                .singleElement().satisfies(e -> {
                    assertThat(e.amount()).isEqualByComparingTo("15000.00");
                    assertThat(e.rate()).isEqualByComparingTo("15");
                    assertThat(e.tier()).isEqualTo("base");
                });
    }

    @Test
    void concurrentAccrualsOfOneDealCreditItOnce() throws Exception {
        long partner = newPartner();
        long deal = newDeal();
        List<Accrual> results = concurrently(8, () -> ledger.accrueCommission(partner, deal, new BigDecimal("1000"), "RUB"));

        assertThat(results).filteredOn(Accrual::fresh).hasSize(1);
        assertThat(results).extracting(a -> a.commission().entryId()).containsOnly(results.get(0).commission().entryId());
        assertThat(ledgerEntries(deal)).isEqualTo(1);
        assertThat(ledger.balance(partner, "RUB").accrued()).isEqualByComparingTo("150.00");
    }

    @Test
    void concurrentPaidEventsForOneDealAccrueOnceAndTellThePartnerOnce() throws Exception {
        var anna = approvedPartner("Анна Конкурентная");
        DealView deal = submit(anna, "Клиент Гонки");
        anna.poll();
        List<ChangeResult> results = concurrently(8, () -> deals.change(deal.id(),
                DealChange.external("crm", "paid", new BigDecimal("40000"), "RUB", null, false)));

        assertThat(results).filteredOn(ChangeResult::changed).hasSize(1);
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);
        assertThat(ledger.commissionOf(deal.id())).get().extracting(Commission::amount).isEqualTo(new BigDecimal("6000.00"));
        assertThat(anna.poll()).filteredOn(s -> s.text() != null && s.text().contains("оплатил")).hasSize(1);
    }

    @Test
    void theTenthPaidClientEarnsTheHighRateAndTheTierIsRecorded() {
        long partner = newPartner();
        List<Accrual> accruals = new ArrayList<>();
        for (int i = 1; i <= 11; i++) accruals.add(ledger.accrueCommission(partner, newDeal(), new BigDecimal("1000"), "RUB"));

        assertThat(accruals.subList(0, 9)).allSatisfy(a -> {
            assertThat(a.commission().tier()).isEqualTo("base");
            assertThat(a.commission().amount()).isEqualByComparingTo("150.00");
        });
        assertThat(accruals.subList(9, 11)).allSatisfy(a -> {
            assertThat(a.commission().tier()).isEqualTo("high");
            assertThat(a.commission().rate()).isEqualByComparingTo("20");
            assertThat(a.commission().amount()).isEqualByComparingTo("200.00");
        });
        assertThat(jdbc.sql("SELECT tier FROM ledger_entry WHERE partner_id = ? ORDER BY id").param(partner)
                .query(String.class).list()).containsExactly("base", "base", "base", "base", "base", "base", "base",
                "base", "base", "high", "high");
        assertThat(ledger.balance(partner, "RUB").available()).isEqualByComparingTo("1750.00");

        // refunds take paid clients out of the count: 11 - 3 = 8 in force, so the next one is the 9th again
        for (int i = 0; i < 3; i++) ledger.reverseCommission(accruals.get(i).commission().dealId());
        assertThat(ledger.paidClients(partner)).isEqualTo(8);
        assertThat(ledger.accrueCommission(partner, newDeal(), new BigDecimal("1000"), "RUB").commission().tier()).isEqualTo("base");
        // earlier entries keep the tier decided when they accrued
        assertThat(ledger.commissionOf(accruals.get(10).commission().dealId())).get().extracting(Commission::tier).isEqualTo("high");
    }

    @Test
    void concurrentAccrualsAtTheTierBoundaryCountExactly() throws Exception {
        long partner = newPartner();
        for (int i = 0; i < 8; i++) ledger.accrueCommission(partner, newDeal(), new BigDecimal("100"), "RUB");
        List<Accrual> racing = concurrently(4, () -> ledger.accrueCommission(partner, newDeal(), new BigDecimal("100"), "RUB"));
        // the 9th is base, the 10th..12th high, whichever thread came first
        assertThat(racing).extracting(a -> a.commission().tier()).containsExactlyInAnyOrder("base", "high", "high", "high");
    }

    @Test
    void aRefundReversesTheCommissionOnceWithANewEntry() {
        long partner = newPartner();
        long deal = newDeal();
        ledger.accrueCommission(partner, deal, new BigDecimal("33333.33"), "USD");
        assertThat(ledger.commissionOf(deal)).get().extracting(Commission::amount).isEqualTo(new BigDecimal("5000.00"));

        Reversal reversal = ledger.reverseCommission(deal).orElseThrow();
        assertThat(reversal.amount()).isEqualByComparingTo("5000.00");
        assertThat(reversal.balance().available()).isEqualByComparingTo("0");
        assertThat(ledger.reverseCommission(deal)).isEmpty();
        assertThat(ledger.commissionOf(deal)).isEmpty();
        assertThat(jdbc.sql("SELECT amount FROM ledger_entry WHERE deal_id = ? ORDER BY id").param(deal).query(BigDecimal.class).list())
                .extracting(BigDecimal::toPlainString).containsExactly("5000.00", "-5000.00");
        assertThat(events.stream(CommissionReversed.class).filter(e -> e.dealId() == deal)).singleElement()
                .satisfies(e -> assertThat(e.amount()).isEqualByComparingTo("5000.00"));
    }

    @Test
    void balancesAreKeptPerCurrencyInExactDecimals() {
        long partner = newPartner();
        ledger.accrueCommission(partner, newDeal(), new BigDecimal("0.10"), "RUB");
        ledger.accrueCommission(partner, newDeal(), new BigDecimal("0.10"), "RUB");
        ledger.accrueCommission(partner, newDeal(), new BigDecimal("0.10"), "RUB");
        ledger.accrueCommission(partner, newDeal(), new BigDecimal("999.99"), "EUR");
        assertThat(ledger.balances(partner)).containsExactly(
                new Balance("EUR", new BigDecimal("150.00"), new BigDecimal("150.00")),
                new Balance("RUB", new BigDecimal("0.06"), new BigDecimal("0.06")));
    }

    @Test
    void theLedgerIsAppendOnly() {
        long partner = newPartner();
        long deal = newDeal();
        ledger.accrueCommission(partner, deal, new BigDecimal("1000"), "RUB");
        assertThatThrownBy(() -> jdbc.sql("UPDATE ledger_entry SET amount = 1000000 WHERE deal_id = ?").param(deal).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM ledger_entry WHERE deal_id = ?").param(deal).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThat(ledger.commissionOf(deal)).get().extracting(Commission::amount).isEqualTo(new BigDecimal("150.00"));
    }

    @Test
    void nonsenseAmountsAndCurrenciesAreRefused() {
        long partner = newPartner();
        assertThatThrownBy(() -> ledger.accrueCommission(partner, newDeal(), new BigDecimal("-1"), "RUB"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.accrueCommission(partner, newDeal(), new BigDecimal("1.001"), "RUB"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.accrueCommission(partner, newDeal(), new BigDecimal("1"), "rub"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ledger.balances(partner)).isEmpty();
    }
}
