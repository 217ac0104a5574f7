package io.partnerka.partner;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.testing.ChatTester;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/** The first journey: apply, prescoring, a manager's decision — each test reads like the chat it checks. */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.manager-ids=200")
class ApplicationJourneyTests {

    private static final AtomicLong USERS = new AtomicLong(50_000);

    @Autowired ConversationEngine engine;
    @Autowired Messages messages;
    @Autowired JdbcClient jdbc;
    @Autowired Partners partners;

    private ChatTester newPerson() {
        return new ChatTester(engine, messages, jdbc, USERS.incrementAndGet(), "Анна");
    }

    private ChatTester manager(long id) {
        return new ChatTester(engine, messages, jdbc, id, "Мария");
    }

    /** Fills the form with valid answers, including every kind of wrong input on the way. */
    private ChatTester fillForm(ChatTester chat) {
        return chat.send("/start").expect("partner.welcome")
                .press("partner.apply-button").expect("apply.ask-type")
                .send("что-то не то").expect("validation.choice")
                .press("apply.type.individual").expect("apply.ask-name")
                .sendSticker().expect("validation.not-text")
                .send("🙂🙂").expect("validation.no-letters")
                .send("x".repeat(5000)).expect("validation.too-long")
                .send("Анна Петрова").expect("apply.ask-city")
                .send("Москва").expect("apply.ask-phone")
                .send("не телефон").expect("validation.phone")
                .shareContact("79161234567").expect("apply.ask-email")
                .send("anna@").expect("validation.email")
                .press("common.skip").expect("apply.ask-source")
                .press("apply.source.social").expect("apply.confirm");
    }

    private ChatTester answerPrescoring(ChatTester chat, String... answers) {
        for (String a : answers) chat.press(a);
        return chat;
    }

    @Test
    void aMidScoreApplicationGoesToAManagerWhoApprovesIt() {
        ChatTester maria = manager(100);
        ChatTester second = manager(200);
        ChatTester anna = fillForm(newPerson());
        anna.press("common.edit").expect("common.edit-which")
                .press("✏️ " + anna.text("apply.field.city")).expect("apply.ask-city")
                .send("Санкт-Петербург").expect("apply.confirm").expectContaining("Санкт-Петербург")
                .press("common.confirm").expect("apply.submitted").expect("prescoring.question");
        answerPrescoring(anna, "1–3", "Немного, до года", "Частично пересекается", "Несколько часов");
        anna.expect("prescoring.done").expect("apply.under-review");

        PartnerView pending = partners.byUser(anna.userId()).orElseThrow();
        assertThat(pending.status()).isEqualTo(PartnerStatus.PENDING_REVIEW);
        assertThat(pending.score()).isBetween(30, 69);
        assertThat(pending.city()).isEqualTo("Санкт-Петербург");
        assertThat(pending.maskedPhone()).isEqualTo("+7916*****67");

        maria.poll();
        assertThat(maria.last()).anySatisfy(s -> assertThat(s.text()).contains("Анна Петрова").contains("+79161234567"));
        maria.send("/pending").expect("approval.card").press("approval.approve").expect("approval.done-approved-text");

        anna.poll();
        anna.expect("apply.approved");
        assertThat(anna.keyboard()).contains(anna.text("menu.profile"));
        PartnerView approved = partners.byUser(anna.userId()).orElseThrow();
        assertThat(approved.status()).isEqualTo(PartnerStatus.APPROVED);
        assertThat(approved.managerId()).isIn(100L, 200L);

        // the second manager was shown the same card; pressing it now only tells who decided
        second.poll();
        second.press("approval.approve").expect("approval.already-decided").expectContaining("Мария");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE subject = ?").param("application#" + approved.id())
                .query(Integer.class).single()).isEqualTo(1);

        // an approved partner pressing Apply sees their status instead
        anna.send("/apply").expect("apply.already-partner");

        // managers look partners up by name, phone digits or number; the card carries other modules' sections
        maria.send("/partner Петрова").expect("partner.card").expectContaining("Анна Петрова").expectContaining("+7916*****67");
        maria.send("/partner 9161234567").expect("partner.card");
        maria.send("/partner " + approved.id()).expect("partner.card");
        maria.send("/partner Никтотакой").expect("partner.lookup-none");
        anna.send("/partner Петрова").expect("common.not-manager");
    }

    @Test
    void aStrongApplicationIsApprovedAtOnce() {
        ChatTester chat = fillForm(newPerson()).press("common.confirm");
        answerPrescoring(chat, "Больше 10", "Да, больше года", "Это ровно наши клиенты", "Это моя основная работа");
        chat.expect("apply.approved");
        assertThat(partners.byUser(chat.userId()).orElseThrow().status()).isEqualTo(PartnerStatus.APPROVED);
    }

    @Test
    void aWeakApplicationIsRejectedPolitelyAndMayNotReapplyDuringTheCoolDown() {
        ChatTester chat = fillForm(newPerson()).press("common.confirm");
        answerPrescoring(chat, "Пока не знаю", "Нет", "Далека", "Меньше часа");
        chat.expect("apply.rejected-with-reason").expectContaining("профиль не подходит");
        assertThat(partners.byUser(chat.userId()).orElseThrow().status()).isEqualTo(PartnerStatus.REJECTED);
        chat.send("/apply").expect("apply.cooldown");
    }

    @Test
    void aManagerRejectsWithAReasonTheApplicantReads() {
        ChatTester maria = manager(100);
        ChatTester anna = fillForm(newPerson()).press("common.confirm");
        answerPrescoring(anna, "1–3", "Нет", "Частично пересекается", "Несколько часов");
        anna.expect("apply.under-review");
        maria.poll();
        maria.press("approval.reject").expect("approval.ask-reason")
                .send("Нет клиентов в нашей сфере").expect("approval.done-rejected-text");
        anna.poll();
        anna.expect("apply.rejected-with-reason").expectContaining("Нет клиентов в нашей сфере");
    }

    @Test
    void forgedStaleAndForeignButtonsChangeNothing() {
        ChatTester anna = newPerson().send("/apply").expect("apply.ask-type");
        String companyButton = anna.buttonData("apply.type.company");
        anna.pressData("f:999:company#AAAAAAAA", 1).expectNo("apply.ask-name");
        anna.press("apply.type.company").expect("apply.ask-name");
        anna.pressData(companyButton, 1).expectNo("apply.ask-city");   // the same button again: stale

        // a manager's Approve button copied into a partner's chat is not valid there
        ChatTester other = newPerson();
        other.pressData("ap:1:ok#" + companyButton.substring(companyButton.indexOf('#') + 1), 1).expectNo("approval.done-approved-text");
        other.send("/pending").expect("common.not-manager");
    }

    @Test
    void cancelLeavesAnyFlowAndAFormResumesWhereItStopped() {
        ChatTester anna = newPerson().send("/apply").press("apply.type.company").send("ООО Ромашка").expect("apply.ask-city");
        // a new tester is a new client session: state lives in PostgreSQL, not in memory
        ChatTester again = new ChatTester(engine, messages, jdbc, anna.userId(), "Анна");
        again.send("Казань").expect("apply.ask-phone");
        again.send("/cancel").expect("common.cancelled");
        again.send("Казань").expect("common.not-understood");
    }

    @Test
    void aReferralPayloadIsKeptFirstTouchWins() {
        ChatTester anna = newPerson().send("/start ref_abc123").expect("partner.welcome");
        anna.send("/start ref_other").expect("partner.welcome");
        assertThat(partners.firstTouch(anna.userId())).contains("ref_abc123");
    }

    @Test
    void englishSpeakersAreAnsweredInEnglishAndCanSwitchLanguage() {
        ChatTester john = newPerson().inEnglish().send("/start").expect("partner.welcome");
        john.expectContaining("partner program");
        john.send("/language").expect("language.choose").press("🇷🇺 Русский");
        assertThat(john.poll()).isEmpty();
    }
}
