package io.partnerka.drip;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.testing.ChatTester;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Who enters which chain, on each trigger: approval, a reported fact, an unfinished application, inactivity. */
@DripTest
class DripEnrollmentTests extends DripTestBase {

    @Autowired Drips drips;
    @Autowired Scanner scanner;


    @Test
    void aPartnerApprovedByPrescoringEntersOnboardingWithTheFirstStepAnHourLater() {
        ChatTester anna = fx.chat(fx.newUserId());
        anna.send("/start").press("partner.apply-button").press("apply.type.company")
                .send("ООО Ромашка").send("Москва").shareContact("79161234567").press("common.skip")
                .press("apply.source.social").press("common.confirm");
        for (String answer : new String[]{"Больше 10", "Да, больше года", "Это ровно наши клиенты", "Это моя основная работа"}) {
            anna.press(answer);
        }
        anna.expect("apply.approved");

        assertThat(fx.enrolments(anna.userId(), "onboarding")).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo("ACTIVE");
            assertThat(e.nextStep()).isEqualTo("first-course");
            assertThat(e.dueAt()).isEqualTo(noon.plus(Duration.ofHours(1)));
        });
        assertThat(fx.enrolments(anna.userId(), "first-client")).isEmpty();
    }

    @Test
    void reportedFactsEnrolOncePerPersonAndChain() {
        long partner = fx.partner("company", noon.minus(Duration.ofDays(1)));
        drips.trigger(partner, Drips.TRAINING_STARTED);
        drips.trigger(partner, Drips.TRAINING_STARTED);
        assertThat(fx.enrolments(partner, "training-unfinished")).singleElement()
                .satisfies(e -> assertThat(e.dueAt()).isEqualTo(noon.plus(Duration.ofDays(2))));

        drips.trigger(partner, Drips.CLIENT_SUBMITTED);
        drips.trigger(partner, Drips.CLIENT_SUBMITTED);
        assertThat(fx.enrolments(partner, "first-client")).as("the first client fires first-client once").hasSize(1);
        assertThat(jdbc.sql("SELECT times FROM drip_fact WHERE user_id = ? AND name = 'client-submitted'").param(partner)
                .query(Integer.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT times FROM drip_fact WHERE user_id = ? AND name = 'first-client'").param(partner)
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void chainsForApprovedPartnersIgnoreApplicantsAndManagers() {
        long applicant = fx.partner("company", "PENDING_REVIEW", noon, "ru");
        drips.trigger(applicant, Drips.TRAINING_STARTED);
        assertThat(fx.enrolments(applicant, "training-unfinished")).isEmpty();
        drips.trigger(300, Drips.TRAINING_STARTED);
        assertThat(fx.enrolments(300, "training-unfinished")).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM drip_fact WHERE user_id IN (?, 300)").param(applicant)
                .query(Integer.class).single()).as("facts are still recorded").isEqualTo(2);
    }

    @Test
    void anApplicationLeftForTwoHoursEntersTheReminderOnce() {
        long stale = fx.person("ru");
        long fresh = fx.person("ru");
        long stuckInPrescoring = fx.partner("company", "PRESCORING", noon.minus(Duration.ofHours(5)), "ru");
        long done = fx.partner("company", "PENDING_REVIEW", noon.minus(Duration.ofHours(5)), "ru");
        inFlow(stale, "apply", noon.minus(Duration.ofHours(3)));
        inFlow(fresh, "apply", noon.minus(Duration.ofMinutes(30)));
        inFlow(done, "apply", noon.minus(Duration.ofHours(3)));

        scanner.scan();
        scanner.scan();

        assertThat(fx.enrolments(stale, "application-reminder")).singleElement()
                .satisfies(e -> assertThat(e.dueAt()).isEqualTo(noon));
        assertThat(fx.enrolments(stuckInPrescoring, "application-reminder")).hasSize(1);
        assertThat(fx.enrolments(fresh, "application-reminder")).as("still typing").isEmpty();
        assertThat(fx.enrolments(done, "application-reminder")).as("already applied").isEmpty();
    }

    @Test
    void inactivityEnrolsOncePerStayAndActivityStartsANewOne() {
        long quiet15 = fx.partner("company", noon.minus(Duration.ofDays(15)));
        long quiet31 = fx.partner("individual", noon.minus(Duration.ofDays(31)));
        long busy = fx.partner("company", noon.minus(Duration.ofDays(40)));
        fact(busy, Drips.CLIENT_SUBMITTED, noon.minus(Duration.ofDays(3)));

        scanner.scan();
        scanner.scan();

        assertThat(fx.enrolments(quiet15, "inactive-14")).hasSize(1);
        assertThat(fx.enrolments(quiet15, "inactive-30")).isEmpty();
        assertThat(fx.enrolments(quiet31, "inactive-14")).hasSize(1);
        assertThat(fx.enrolments(quiet31, "inactive-30")).hasSize(1);
        assertThat(fx.enrolments(busy, "inactive-14")).isEmpty();

        // a client, then fifteen quiet days again: a new stay, a new nudge
        clock.fix(noon.plus(Duration.ofDays(1)));
        drips.trigger(quiet15, Drips.CLIENT_SUBMITTED);
        clock.fix(noon.plus(Duration.ofDays(16)));
        scanner.scan();
        assertThat(fx.enrolments(quiet15, "inactive-14")).hasSize(2);
    }

    @Test
    void aPausedScannedChainEnrolsNobodyUntilResumed() {
        long quiet = fx.partner("company", noon.minus(Duration.ofDays(15)));
        jdbc.sql("INSERT INTO drip_chain_state (chain_id, paused, changed_at) VALUES ('inactive-14', TRUE, now())").update();
        scanner.scan();
        assertThat(fx.enrolments(quiet, "inactive-14")).isEmpty();
        jdbc.sql("UPDATE drip_chain_state SET paused = FALSE").update();
        scanner.scan();
        assertThat(fx.enrolments(quiet, "inactive-14")).hasSize(1);
    }

    private void inFlow(long chatId, String flow, Instant since) {
        jdbc.sql("UPDATE chat SET flow = ?, step = 'name', flow_updated_at = ? WHERE chat_id = ?")
                .params(flow, Timestamp.from(since), chatId).update();
    }

    private void fact(long userId, String name, Instant at) {
        jdbc.sql("INSERT INTO drip_fact (user_id, name, first_at, last_at) VALUES (?, ?, ?, ?)")
                .params(userId, name, Timestamp.from(at), Timestamp.from(at)).update();
    }
}
