package io.partnerka.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.partner.Partners;
import io.partnerka.testing.ChatTester;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A partner takes the shipped mandatory course: lessons with Next, the test failed once, the cool-down, the test
 * passed, the certificate — and the gate opens. Each test reads like the chat it checks.
 */
@PartnerkaTest
class QuizJourneyTests {

    @Autowired ConversationEngine engine;
    @Autowired Messages messages;
    @Autowired JdbcClient jdbc;
    @Autowired Training training;
    @Autowired Partners partners;
    @Autowired CourseCatalog catalog;
    @Autowired TrainingStore store;
    @Autowired io.partnerka.conversation.Formats formats;

    private ChatTester partner(String type) {
        long userId = TestPartners.approved(jdbc, type, "Анна Петрова");
        return new ChatTester(engine, messages, jdbc, userId, "Анна");
    }

    private ChatTester readAllLessons(ChatTester chat) {
        chat.send("/training").expectContaining("Основы партнёрской программы").expectContaining("обязательный")
                .press("❗ Основы партнёрской программы").expect("training.card")
                .press("training.button.start").expect("training.lesson").expectContaining("Урок 1 из 3");
        assertThat(chat.last()).anySatisfy(s -> assertThat(s.fileName()).isEqualTo("commission-cheatsheet.txt"));
        chat.press("training.button.next").expectContaining("Урок 2 из 3");
        assertThat(chat.lastText().buttons()).anySatisfy(b -> assertThat(b[0]).isEqualTo("🔗 Памятка с примерами"));
        return chat.press("training.button.next").expectContaining("Урок 3 из 3");
    }

    private void shiftLastAttemptBack(long userId, String interval) {
        jdbc.sql("UPDATE quiz_attempt SET finished_at = finished_at - ?::interval WHERE user_id = ? AND status = 'FAILED'")
                .params(interval, userId).update();
    }

    @Test
    void aPartnerFailsOnceWaitsForTheCoolDownPassesAndGetsTheCertificate() {
        ChatTester anna = readAllLessons(partner("individual"));
        assertThat(training.hasPassedMandatory(anna.userId())).isFalse();

        anna.press("training.button.quiz").expect("training.quiz.intro").expect("training.quiz.question")
                .expectContaining("Вопрос 1 из 4");
        anna.press("5 %").expect("training.quiz.answered").expectContaining("Вопрос 2 из 4");
        anna.press("Позвонить менеджеру").expectContaining("Вопрос 3 из 4").expect("training.quiz.question");
        // multiple choice: toggles and Done; Done with nothing marked is refused
        anna.press("training.button.done");
        assertThat(anna.last()).anySatisfy(s -> assertThat(s.type()).isEqualTo("callback-answer"));
        assertThat(anna.last()).noneSatisfy(s -> assertThat(s.text()).contains("Вопрос 4 из 4"));
        anna.press("Деньги на балансе").press("Бумажный акт с печатью").press("✅ Бумажный акт с печатью");
        assertThat(anna.lastText().buttons()).extracting(b -> b[0])
                .contains("✅ Деньги на балансе", "Бумажный акт с печатью", "Реквизиты, одобренные менеджером");
        String staleDone = anna.buttonData("training.button.done");
        anna.press("training.button.done").expectContaining("Вопрос 4 из 4");
        anna.pressData(staleDone, 1).expectNo("training.quiz.question");   // a repeated Done changes nothing
        anna.press("Сделка больше 3 дней на одном этапе");
        anna.expectContaining("В этот раз не сдан").expectContaining("Верно 1 из 4 — 25%")
                .expectContaining("Где были ошибки").expectContaining("Ваш ответ: <i>5 %</i>")
                .expectContaining("Базовая ставка — 15 %").expectContaining("Следующая попытка — после");
        assertThat(training.hasPassedMandatory(anna.userId())).isFalse();

        // the cool-down: no new attempt yet
        anna.send("/training").press("🔁 Основы партнёрской программы").press("training.button.quiz")
                .expect("training.quiz.cool-down");
        // a minute later it opens again; options come shuffled, we press them by their text
        shiftLastAttemptBack(anna.userId(), "2 minutes");
        anna.press("training.button.quiz").expect("training.quiz.intro");
        anna.press("15 %").press("Кнопкой «Передать клиента» в боте")
                .press("Реквизиты, одобренные менеджером").press("Деньги на балансе").press("training.button.done")
                .press("Сделка больше 3 дней на одном этапе");
        anna.expectContaining("Тест сдан!").expectContaining("Верно 4 из 4 — 100%")
                .expect("training.gate.all-passed").expect("training.certificate.sent");
        assertThat(anna.last()).anySatisfy(s -> {
            assertThat(s.type()).isEqualTo("document");
            assertThat(s.fileName()).matches("certificate-PK-[A-Z0-9]{4}-[A-Z0-9]{4}\\.pdf");
        });
        assertThat(training.hasPassedMandatory(anna.userId())).isTrue();
        assertThat(training.statusOf(anna.userId(), "ru")).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(CourseStatus.State.PASSED);
            assertThat(s.attempts()).isEqualTo(2);
            assertThat(s.bestScore()).isEqualTo(100);
            assertThat(s.certificateCode()).startsWith("PK-");
        });
        assertThat(training.statusLine(anna.userId(), "ru")).contains("Основы партнёрской программы: сдан ✅");

        // the course list shows it passed; the certificate can be fetched again
        anna.send("/training").expectContaining("✅ <b>Основы партнёрской программы</b>");
        anna.press("✅ Основы партнёрской программы").press("training.button.certificate");
        assertThat(anna.last()).anySatisfy(s -> assertThat(s.type()).isEqualTo("document"));
    }

    @Test
    void buttonsOfAFinishedAttemptOrAnOldQuestionDoNothing() {
        ChatTester boris = readAllLessons(partner("individual"));
        boris.press("training.button.quiz");
        String firstQuestionButton = boris.buttonData("15 %");
        boris.press("15 %").expectContaining("Вопрос 2 из 4");
        long answered = jdbc.sql("SELECT count(*) FROM quiz_answer a JOIN quiz_attempt t ON t.id = a.attempt_id WHERE t.user_id = ?")
                .param(boris.userId()).query(Long.class).single();

        boris.pressData(firstQuestionButton, 1).expectNo("training.quiz.question");
        assertThat(boris.last()).anySatisfy(s -> assertThat(s.type()).isEqualTo("callback-answer"));

        // "Take the test" again resumes the open attempt at the same question instead of starting another
        boris.send("/training").press("📖 Основы партнёрской программы").press("training.button.quiz")
                .expect("training.quiz.resume").expectContaining("Вопрос 2 из 4");
        assertThat(jdbc.sql("SELECT count(*) FROM quiz_attempt WHERE user_id = ?").param(boris.userId())
                .query(Long.class).single()).isEqualTo(1);

        // three of four right is exactly the pass mark of 75%
        boris.press("Кнопкой «Передать клиента» в боте").press("Реквизиты, одобренные менеджером")
                .press("Деньги на балансе").press("training.button.done").press("Через 30 дней")
                .expectContaining("Тест сдан!").expectContaining("Верно 3 из 4 — 75%");
        boris.pressData(firstQuestionButton, 1).expectNo("training.quiz.question");
        assertThat(jdbc.sql("SELECT count(*) FROM quiz_answer a JOIN quiz_attempt t ON t.id = a.attempt_id WHERE t.user_id = ?")
                .param(boris.userId()).query(Long.class).single()).isEqualTo(answered + 3);
        assertThat(training.hasPassedMandatory(boris.userId())).isTrue();
        // someone else's copy of the button is not valid in another chat
        ChatTester other = partner("individual");
        other.pressData(firstQuestionButton, 1).expectNo("training.quiz.question");
    }

    @Test
    void theTestWaitsUntilTheLessonsAreRead() {
        ChatTester chat = partner("individual");
        chat.send("/training").press("❗ Основы партнёрской программы").press("training.button.start")
                .expectContaining("Урок 1 из 3");
        assertThat(store.lessonsRead(chat.userId(), "basics")).isEqualTo(1);
        assertThat(training.statusOf(chat.userId(), "ru")).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(CourseStatus.State.READING));
        // a restart: a new session continues where the partner stopped
        ChatTester again = new ChatTester(engine, messages, jdbc, chat.userId(), "Анна");
        again.send("/training").expectContaining("уроков 1 из 3").press("📖 Основы партнёрской программы")
                .press("training.button.continue").expectContaining("Урок 2 из 3");
    }

    @Test
    void aCourseOfAnotherSegmentCannotBeOpenedWithAnOldButton() {
        ChatTester company = partner("company");
        company.send("/training").expectContaining("Продажи корпоративным клиентам");
        String courseButton = company.buttonData("▫️ Продажи корпоративным клиентам");
        ChatTester individual = partner("individual");
        individual.send("/training").expectContaining("Основы партнёрской программы");
        assertThat(individual.lastText().text()).doesNotContain("Продажи корпоративным клиентам");

        jdbc.sql("UPDATE partner SET type = 'individual', segment = 'individual' WHERE user_id = ?").param(company.userId()).update();
        company.pressData(courseButton, 1).expect("training.not-available");
    }

    @Test
    void theGateFollowsTheSettingAndExplainsWhatToDo() {
        ChatTester chat = partner("company");
        assertThat(training.hasPassedMandatory(chat.userId())).isFalse();
        assertThat(training.missingMandatory(chat.userId())).containsExactly("basics");
        Training gateOff = new Training(catalog, store, partners, messages, false, formats);
        assertThat(gateOff.hasPassedMandatory(chat.userId())).isTrue();
        assertThat(gateOff.missingMandatory(chat.userId())).containsExactly("basics");
    }

    @Test
    void managersSeePassRatesAndNonManagersDoNot() {
        ChatTester manager = new ChatTester(engine, messages, jdbc, 100, "Мария");
        manager.send("/trainingstats").expect("training.stats.header").expectContaining("Основы партнёрской программы")
                .expectContaining("Продажи корпоративным клиентам");
        manager.send("/training").expect("training.stats.header");
        assertThat(training.passRates("ru")).extracting(CoursePassRate::courseId).containsExactly("basics", "companies");
        partner("individual").send("/trainingstats").expect("common.not-manager");
    }

    @Test
    void someoneWhoIsNotAPartnerIsToldSo() {
        new ChatTester(engine, messages, jdbc, TestPartners.nextUserId(), "Гость").send("/training").expect("partner.not-a-partner");
    }
}
