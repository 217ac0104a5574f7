package io.partnerka.drip;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.approval.Approvals;
import io.partnerka.testing.ChatTester;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What managers get from the scheduler: a reminder of items waiting too long (once, again a day later), the daily
 * digest (once a day, only when a source has something to say), and the sandbox's {@code /drip_run}.
 */
@DripTest
class ManagerNudgesTests extends DripTestBase {

    @Autowired Approvals approvals;
    @Autowired io.partnerka.training.Training training;
    @Autowired ManagerReminders reminders;
    @Autowired Digest digest;
    @Autowired Drips drips;

    @BeforeEach
    void noApprovalsWaiting() {
        jdbc.sql("DELETE FROM approval_notice").update();
        jdbc.sql("DELETE FROM approval_item").update();
    }

    /** An application waiting for a decision since {@code since}. */
    private long waitingApplication(Instant since) {
        long applicant = fx.partner("company", "PENDING_REVIEW", since, "ru");
        long partnerId = jdbc.sql("SELECT id FROM partner WHERE user_id = ?").param(applicant).query(Long.class).single();
        long item = approvals.submit("application", partnerId);
        jdbc.sql("UPDATE approval_item SET created_at = ? WHERE id = ?").params(Timestamp.from(since), item).update();
        return item;
    }

    @Test
    void itemsWaitingLongerThanFourHoursAreRemindedOnceADay() {
        ChatTester manager = fx.chat(300);
        long old = waitingApplication(noon.minus(Duration.ofHours(5)));
        waitingApplication(noon.minus(Duration.ofHours(1)));
        manager.poll();

        assertThat(reminders.remind()).isEqualTo(1);
        assertThat(manager.poll()).singleElement().satisfies(m -> assertThat(m.text())
                .startsWith("⏰ <b>1</b> ждут решения дольше 4 ч").contains("#" + old).contains("ждёт 5 ч").contains("/pending"));
        assertThat(fx.chat(100).send("/start").last()).as("the sandbox manager gets it too (earlier)").isNotNull();

        clock.advance(Duration.ofHours(2));
        assertThat(reminders.remind()).as("the newer one is now 3 h old; the old one was reminded").isZero();
        clock.advance(Duration.ofMinutes(61));
        assertThat(reminders.remind()).as("the newer one passes 4 h").isEqualTo(1);
        clock.advance(Duration.ofHours(22));
        assertThat(reminders.remind()).as("a day after its reminder, the old one again").isEqualTo(1);
        clock.advance(Duration.ofHours(3));
        assertThat(reminders.remind()).as("and then the newer one").isEqualTo(1);
    }

    @Test
    void noRemindersInQuietHours() {
        clock.fix(DripFixtures.today("22:00"));
        waitingApplication(DripFixtures.today("22:00").minus(Duration.ofHours(6)));
        assertThat(reminders.remind()).isZero();
    }

    @Test
    void theDigestGoesOutOnceADayAndOnlyWithSomethingToSay() {
        ChatTester manager = fx.chat(300);
        assertThat(digest.run(false)).as("nothing to say").isZero();
        jdbc.sql("DELETE FROM drip_digest_run").update();

        long partner = fx.partner("company", noon.minus(Duration.ofDays(1)));
        drips.trigger(partner, Drips.APPROVED);
        jdbc.sql("""
                        INSERT INTO drip_send (enrollment_id, user_id, chat_id, chain_id, step_id, outcome, at, clicked_at)
                        SELECT id, user_id, chat_id, chain_id, 'first-course', 'SENT', ?, ? FROM drip_enrollment WHERE user_id = ?""")
                .params(Timestamp.from(noon.minus(Duration.ofDays(1))), Timestamp.from(noon.minus(Duration.ofDays(1))), partner)
                .update();
        jdbc.sql("INSERT INTO drip_chain_state (chain_id, paused, changed_at) VALUES ('inactive-30', TRUE, now())").update();

        assertThat(digest.run(false)).isEqualTo(2); // managers 100 (sandbox) and 300
        assertThat(manager.poll()).singleElement().satisfies(m -> assertThat(m.text()).startsWith("🗞 <b>Сводка дня</b>")
                .contains("отправлено 1, нажато кнопок 1").contains("На паузе: inactive-30"));
        assertThat(digest.run(false)).as("once a day, whichever instance fires").isZero();
        assertThat(digest.run(true)).as("forced by /drip_run").isEqualTo(2);
    }

    @Test
    void aDealStuckInOneStatusReachesTheManagersDigestOncePerStay() {
        ChatTester manager = fx.chat(300);
        long partner = fx.partner("company", noon.minus(Duration.ofDays(30)));
        long partnerId = jdbc.sql("SELECT id FROM partner WHERE user_id = ?").param(partner).query(Long.class).single();
        long stuck = deal(partnerId, "Застрявший Клиент", "in_progress", noon.minus(Duration.ofDays(4)));
        deal(partnerId, "Свежий Клиент", "new", noon.minus(Duration.ofDays(1)));
        deal(partnerId, "Оплативший Клиент", "paid", noon.minus(Duration.ofDays(10)));
        manager.poll();

        assertThat(digest.run(false)).isEqualTo(2); // no personal manager: every manager (100 and 300)
        assertThat(manager.poll()).singleElement().satisfies(m -> assertThat(m.text())
                .contains("Сделки без движения больше 3 дн.").contains("/deal_" + stuck + " Застрявший Клиент — 🔄 В работе")
                .contains("(4 дн.), партнёр Анна Петрова").doesNotContain("Свежий").doesNotContain("Оплативший"));

        clock.advance(Duration.ofDays(1));
        assertThat(digest.run(false)).as("the same stay is not reported again").isZero();

        jdbc.sql("UPDATE deal SET status = 'contract', status_changed_at = ? WHERE id = ?")
                .params(Timestamp.from(noon.minus(Duration.ofDays(3)).minusSeconds(60)), stuck).update();
        clock.advance(Duration.ofDays(1));
        assertThat(digest.run(false)).as("stuck again, in another status").isEqualTo(2);
        assertThat(manager.poll()).singleElement().satisfies(m -> assertThat(m.text()).contains("📝 Договор"));

        manager.send("/deal_" + stuck).expect("deal.card.manager").expectContaining("Застрявший Клиент");
    }

    private long deal(long partnerId, String client, String status, Instant changedAt) {
        boolean paid = "paid".equals(status);
        return jdbc.sql("""
                        INSERT INTO deal (partner_id, client_name, client_phone, product, status, amount, currency,
                                          submitted_at, status_changed_at)
                        VALUES (?, ?, '+79161234567', 'crm', ?, ?, ?, ?, ?) RETURNING id""")
                .params(partnerId, client, status, paid ? new java.math.BigDecimal("1000.00") : null, paid ? "RUB" : null,
                        Timestamp.from(changedAt), Timestamp.from(changedAt)).query(Long.class).single();
    }

    @Test
    void dripRunInTheSandboxMovesTheClockToTheNextStepAndRunsEverything() {
        clock.reset();
        clock.fix(noon);
        ChatTester manager = fx.chat(300);
        long partner = fx.partner("company", noon);
        ChatTester anna = fx.chat(partner);
        drips.trigger(partner, Drips.APPROVED);
        fx.passTraining(partner, training);   // else "submit a client" is skipped (the training gate)

        manager.send("/drip_run").expect("drip.run.done");
        assertThat(anna.poll()).singleElement().satisfies(m -> assertThat(m.text()).contains("первого курса"));
        assertThat(clock.instant()).isAfter(noon.plus(Duration.ofHours(1)));

        manager.send("/drip_run 2d").expect("drip.run.done");
        assertThat(anna.poll()).singleElement().satisfies(m -> assertThat(m.text()).contains("первого клиента"));
        manager.send("/drip_run soon").expect("drip.run.bad-duration");
        manager.send("/drip_log " + partner).expectContaining("История цепочек " + partner)
                .expectContaining("onboarding/first-course · отправлено").expectContaining("onboarding/first-client");
        anna.send("/drip_run").expect("common.not-manager");
    }
}
