package io.partnerka.drip;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.conversation.Chats;
import io.partnerka.testing.ChatTester;
import java.sql.Timestamp;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Due steps go out with their one button, logged with the step; a step whose action is done is skipped; a chain stops
 * for the unreachable, for those who left its audience and on its stop condition; nothing goes out in quiet hours
 * or from a paused chain; a file edit reaches people at their next step.
 */
@DripTest
class DripDispatchTests extends DripTestBase {

    @Autowired Drips drips;
    @Autowired Dispatcher dispatcher;
    @Autowired Chats chats;
    @Autowired Scanner scanner;
    @Autowired io.partnerka.training.Training training;
    @Autowired io.partnerka.conversation.Outbox outbox;


    private long approvedAndOnboarding() {
        long partner = fx.partner("company", noon);
        drips.trigger(partner, Drips.APPROVED);
        return partner;
    }

    private void fact(long userId, String name) {
        jdbc.sql("INSERT INTO drip_fact (user_id, name, first_at, last_at) VALUES (?, ?, ?, ?)")
                .params(userId, name, Timestamp.from(noon), Timestamp.from(noon)).update();
    }

    private void after(Duration d) {
        clock.advance(d);
        dispatcher.runDue(Duration.ofSeconds(30));
    }

    @Test
    void theOnboardingChainGoesOutStepByStepEachWithOneButtonAndALogLine() {
        long partner = approvedAndOnboarding();
        fx.passTraining(partner, training);
        ChatTester anna = fx.chat(partner);

        after(Duration.ofMinutes(59));
        assertThat(anna.poll()).as("not due before an hour").isEmpty();

        after(Duration.ofMinutes(1));
        assertThat(anna.poll()).singleElement().satisfies(m -> {
            assertThat(m.text()).startsWith("Анна Петрова, добро пожаловать").contains("первого курса");
            assertThat(m.buttons()).singleElement().satisfies(b -> assertThat(b[0]).isEqualTo("📚 Открыть курс"));
        });
        assertThat(fx.enrolments(partner, "onboarding")).singleElement().satisfies(e -> {
            assertThat(e.nextStep()).isEqualTo("first-client");
            assertThat(e.dueAt()).isEqualTo(noon.plus(Duration.ofHours(1)).plus(Duration.ofDays(2)));
        });

        after(Duration.ofDays(2));
        after(Duration.ofDays(2));
        after(Duration.ofDays(3));
        assertThat(anna.poll()).extracting(ChatTester.Said::text)
                .satisfiesExactly(t -> assertThat(t).contains("первого клиента"), t -> assertThat(t).contains("реквизиты"),
                        t -> assertThat(t).contains("личной ссылкой"));
        assertThat(fx.enrolments(partner, "onboarding")).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo("DONE"));
        assertThat(fx.log(partner)).containsExactly("onboarding/first-course SENT", "onboarding/first-client SENT",
                "onboarding/requisites SENT", "onboarding/referral-link SENT");
        assertThat(jdbc.sql("SELECT count(*) FROM drip_send s JOIN outbox o ON o.id = s.outbox_id WHERE s.user_id = ?")
                .param(partner).query(Integer.class).single()).as("each send names its outbox row").isEqualTo(4);
    }

    @Test
    void aNameWithQuotesMarkupAndBackslashesGoesInEscapedAndEachButtonIsSignedForItsOwnSend() {
        // the step's JSON is written once per batch and filled per person: the name must come out as if written whole
        long anna = approvedAndOnboarding();
        long boris = approvedAndOnboarding();
        jdbc.sql("UPDATE partner SET name = ? WHERE user_id = ?").params("Анна \"<b>О'Нил</b>\" \\ & 🎉\t", anna).update();
        fx.passTraining(anna, training);
        fx.passTraining(boris, training);
        ChatTester annaChat = fx.chat(anna);
        ChatTester borisChat = fx.chat(boris);
        after(Duration.ofHours(1));
        assertThat(annaChat.poll()).singleElement().satisfies(m ->
                assertThat(m.text()).startsWith("Анна &quot;&lt;b&gt;О&#39;Нил&lt;/b&gt;&quot; \\ &amp; 🎉\t, добро пожаловать"));
        assertThat(borisChat.poll()).singleElement().satisfies(m -> assertThat(m.text()).startsWith("Анна Петрова, добро"));
        assertThat(outbox.template(io.partnerka.conversation.Reply.Text.of("a\uE000n\uE001b"), "\uE000n\uE001"))
                .as("the template path was taken, not the per-person fallback").isNotNull();
        // each partner's button names their own send and is signed for their chat
        annaChat.press("📚 Открыть курс");
        assertThat(jdbc.sql("SELECT user_id FROM drip_send WHERE clicked_at IS NOT NULL AND user_id IN (?, ?)")
                .params(anna, boris).query(Long.class).list())
                .containsExactly(anna);
    }

    @Test
    void aStepWhoseActionIsDoneIsSkippedAndTheNextOneFollowsItsOwnDelay() {
        long partner = approvedAndOnboarding();
        ChatTester anna = fx.chat(partner);
        fact(partner, Drips.TRAINING_STARTED);
        fact(partner, Drips.FIRST_CLIENT);

        after(Duration.ofHours(1));
        after(Duration.ofDays(2));
        assertThat(anna.poll()).as("course and first client already done").isEmpty();
        assertThat(fx.log(partner)).containsExactly("onboarding/first-course SKIPPED training-started",
                "onboarding/first-client SKIPPED first-client");
        after(Duration.ofDays(2));
        assertThat(anna.poll()).singleElement().satisfies(m -> assertThat(m.text()).contains("реквизиты"));
    }

    @Test
    void aClickIsRecordedAndRunsTheButtonsAction() {
        long applicant = fx.person("ru");
        jdbc.sql("UPDATE chat SET flow = 'apply', step = 'type', flow_updated_at = ? WHERE chat_id = ?")
                .params(Timestamp.from(noon.minus(Duration.ofHours(3))), applicant).update();
        scanner.scan();
        ChatTester anna = fx.chat(applicant);
        after(Duration.ZERO);
        anna.poll();
        anna.press("📝 Продолжить заявку").expect("apply.ask-type");
        assertThat(jdbc.sql("SELECT clicks FROM drip_send WHERE user_id = ? AND step_id = 'continue'").param(applicant)
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void theStepsButtonOpensWhatItNames() {
        long partner = approvedAndOnboarding();
        ChatTester anna = fx.chat(partner);
        after(Duration.ofHours(1));
        anna.poll();
        anna.press("📚 Открыть курс").expect("training.list");
    }

    @Test
    void aCommandServedByAFlowStartsItThroughItsGuard() {
        long partner = approvedAndOnboarding();
        fx.passTraining(partner, training);
        ChatTester anna = fx.chat(partner);
        after(Duration.ofHours(1));
        after(Duration.ofDays(2));
        anna.poll();
        anna.press("➕ Передать клиента").expect("deal.submit.intro").expect("deal.submit.ask-name");
    }

    @Test
    void aMessageTelegramRefusedIsNotCountedAsSent() {
        long partner = approvedAndOnboarding();
        after(Duration.ofHours(1));
        // Telegram answered 403 (the partner blocked the bot): the outbox row was dropped
        jdbc.sql("UPDATE outbox SET status = 'DROPPED' WHERE id = (SELECT outbox_id FROM drip_send WHERE user_id = ?)").param(partner).update();
        ChatTester manager = fx.chat(300);
        manager.send("/drip").expectContaining("отправлено 0 · не доставлено (бот заблокирован) 1");
        manager.send("/drip_log " + partner).expectContaining("onboarding/first-course · не доставлено (бот заблокирован)");
    }

    @Test
    void submitAClientIsNotOfferedWhileTheTrainingGateHoldsThePartnerBack() {
        long partner = approvedAndOnboarding();
        ChatTester anna = fx.chat(partner);
        after(Duration.ofHours(1));
        after(Duration.ofDays(2));
        assertThat(anna.poll()).as("only the course so far").hasSize(1);
        assertThat(fx.log(partner)).containsExactly("onboarding/first-course SENT", "onboarding/first-client SKIPPED cannot-submit-yet");
        // the payout details button opens the form itself, not a status screen with one more button
        after(Duration.ofDays(2));
        anna.poll();
        anna.press("💳 Указать реквизиты").expect("requisites.ask-method");
    }

    @Test
    void anUnreachablePartnerLeavesTheChain() {
        long partner = approvedAndOnboarding();
        ChatTester anna = fx.chat(partner);
        chats.markUnreachable(partner);
        after(Duration.ofHours(1));
        assertThat(fx.enrolments(partner, "onboarding")).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo("STOPPED");
            assertThat(e.stopReason()).isEqualTo("unreachable");
        });
        assertThat(anna.poll()).isEmpty();
    }

    @Test
    void aPartnerWhoLeftTheSegmentLeavesTheChain() {
        long partner = approvedAndOnboarding();
        jdbc.sql("UPDATE partner SET status = 'BLOCKED' WHERE user_id = ?").param(partner).update();
        after(Duration.ofHours(1));
        assertThat(fx.enrolments(partner, "onboarding")).singleElement()
                .satisfies(e -> assertThat(e.stopReason()).isEqualTo("left-segment"));
        assertThat(fx.log(partner)).containsExactly("onboarding/first-course STOPPED left-segment");
    }

    @Test
    void theStopConditionEndsTheChain() {
        long partner = fx.partner("company", noon);
        ChatTester anna = fx.chat(partner);
        drips.trigger(partner, Drips.TRAINING_STARTED);
        after(Duration.ofDays(2));
        assertThat(anna.poll()).hasSize(1);
        drips.trigger(partner, Drips.TRAINING_PASSED);
        after(Duration.ofDays(5));
        assertThat(fx.enrolments(partner, "training-unfinished")).singleElement()
                .satisfies(e -> assertThat(e.stopReason()).isEqualTo("stop-when:training-passed"));
        assertThat(fx.log(partner)).containsExactly("training-unfinished/nudge SENT",
                "training-unfinished/last-nudge STOPPED stop-when:training-passed");
    }

    @Test
    void nothingGoesOutInQuietHoursTheStepWaitsForTheMorning() {
        clock.fix(DripFixtures.today("19:30"));
        long partner = approvedAndOnboarding();
        ChatTester anna = fx.chat(partner);
        after(Duration.ofHours(2)); // 21:30: due, but quiet
        assertThat(anna.poll()).isEmpty();
        assertThat(fx.enrolments(partner, "onboarding").get(0).nextStep()).isEqualTo("first-course");
        after(Duration.ofHours(11)); // 08:30 the next day
        assertThat(anna.poll()).isEmpty();
        after(Duration.ofMinutes(30)); // 09:00
        assertThat(anna.poll()).singleElement().satisfies(m -> assertThat(m.text()).contains("первого курса"));
    }

    @Test
    void aPausedChainSendsNothingUntilAManagerResumesIt() {
        ChatTester manager = fx.chat(300);
        long partner = approvedAndOnboarding();
        ChatTester anna = fx.chat(partner);
        manager.send("/drip_pause onboarding").expect("drip.chains.paused-now");
        after(Duration.ofHours(2));
        assertThat(anna.poll()).isEmpty();
        manager.send("/drip").expect("drip.chains.header");
        manager.press("▶️ onboarding").expect("drip.chains.resumed-now");
        after(Duration.ZERO);
        assertThat(anna.poll()).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action IN ('drip.chain-paused', 'drip.chain-resumed') AND actor_id = 300")
                .query(Integer.class).single()).isGreaterThanOrEqualTo(2);
        fx.chat(partner).send("/drip").expect("common.not-manager");
    }

    @Test
    void aChangedFileReachesPeopleAtTheirNextStep() {
        long partner = approvedAndOnboarding();
        fx.passTraining(partner, training);
        after(Duration.ofHours(1));
        // as if the file lost the step "first-client" after this partner got the first message
        jdbc.sql("UPDATE drip_enrollment SET next_step = 'a-removed-step' WHERE user_id = ?").param(partner).update();
        after(Duration.ofDays(2));
        assertThat(fx.log(partner)).containsExactly("onboarding/first-course SENT", "onboarding/first-client SENT");
        // a chain that no longer exists stops
        jdbc.sql("UPDATE drip_enrollment SET chain_id = 'gone' WHERE user_id = ?").param(partner).update();
        after(Duration.ofDays(3));
        assertThat(fx.enrolments(partner, "gone")).singleElement()
                .satisfies(e -> assertThat(e.stopReason()).isEqualTo("chain-removed"));
    }
}
