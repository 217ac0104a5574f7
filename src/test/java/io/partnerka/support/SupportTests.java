package io.partnerka.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Outbox;
import io.partnerka.testing.ChatTester;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A partner's question reaches the personal manager and the answer comes back — across a restart too. */
@PartnerkaTest
class SupportTests {

    private static final AtomicLong USERS = new AtomicLong(90_000);
    static final long MANAGER = 100;

    @Autowired ConversationEngine engine;
    @Autowired Messages messages;
    @Autowired JdbcClient jdbc;
    @Autowired Support support;
    @Autowired Outbox outbox;

    private long approvedPartner(String name) {
        long userId = USERS.incrementAndGet();
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language, manager_id)
                        VALUES (?, ?, 'APPROVED', 'company', ?, 'Казань', '+79161234567', 'social', 'company', 'ru', ?)""")
                .params(userId, userId, name, MANAGER).update();
        return userId;
    }

    private ChatTester chat(long userId, String name) {
        return new ChatTester(engine, messages, jdbc, userId, name);
    }

    @Test
    void aQuestionAndItsAnswerSurviveARestartInBetween() {
        long annaId = approvedPartner("ООО Ромашка");
        ChatTester maria = chat(MANAGER, "Мария");
        ChatTester anna = chat(annaId, "Анна");
        anna.send(anna.text("support.menu")).expect("support.ask-prompt")
                .send("Когда придёт выплата за март?").expect("support.asked");

        maria.poll();
        // Maria is Anna's personal manager: the number in full, so she can call back
        maria.expect("support.to-manager").expectContaining("ООО Ромашка").expectContaining("+79161234567")
                .expectContaining("Когда придёт выплата за март?");
        long thread = support.threadsOf(annaId).get(0).id();
        assertThat(support.thread(thread).orElseThrow().status()).isEqualTo(SupportThread.Status.OPEN);
        maria.press("support.reply-button").expect("support.replying-to").expect("support.reply-prompt");

        // a restart: new sessions, nothing but the database carries the state
        ChatTester mariaAgain = chat(MANAGER, "Мария");
        ChatTester annaAgain = chat(annaId, "Анна");
        mariaAgain.send("Выплата придёт до 10 апреля.").expect("support.reply-sent");
        annaAgain.poll();
        annaAgain.expect("support.answer").expectContaining("Выплата придёт до 10 апреля.").expectContaining("Мария");
        assertThat(support.thread(thread).orElseThrow().status()).isEqualTo(SupportThread.Status.ANSWERED);

        // the partner writes again in the same thread; it is open again and the manager sees it
        annaAgain.press("support.write-back").expect("support.ask-prompt").send("Спасибо! А за апрель?").expect("support.asked");
        mariaAgain.poll();
        mariaAgain.expect("support.to-manager-again").expectContaining("Спасибо! А за апрель?");
        assertThat(support.threadsOf(annaId)).singleElement().satisfies(t -> {
            assertThat(t.isOpen()).isTrue();
            assertThat(t.lastText()).isEqualTo("Спасибо! А за апрель?");
        });
        mariaAgain.send("/questions").expect("support.list").expectContaining("#" + thread).expectContaining("ООО Ромашка");
        mariaAgain.press("support.history-button").expect("support.history")
                .expectContaining("Когда придёт выплата за март?").expectContaining("Выплата придёт до 10 апреля.");
    }

    @Test
    void aManagerAnswersByReplyingToTheQuestionAndAFileIsNamed() {
        long userId = approvedPartner("Пётр Иванов");
        ChatTester maria = chat(MANAGER, "Мария").withUsername("maria_pm");
        ChatTester petr = chat(userId, "Пётр");
        long thread = support.ask(userId, "Вот прайс клиента", new Attachment("DOCUMENT", "BQACAgIAAxk-file-id", "price.pdf"), null);
        maria.poll();
        maria.expect("support.to-manager").expectContaining("📎 Партнёр приложил документ: price.pdf");
        assertThat(jdbc.sql("SELECT file_id FROM support_message WHERE thread_id = ?").param(thread).query(String.class).single())
                .isEqualTo("BQACAgIAAxk-file-id");

        assertThat(maria.last()).anySatisfy(s -> assertThat(s.type()).isEqualTo("file"));   // the file itself follows
        long outboxId = jdbc.sql("SELECT min(outbox_id) FROM support_notice WHERE thread_id = ? AND chat_id = ?")
                .params(thread, MANAGER).query(Long.class).single();
        // the app's own sender delivers that row too: let it finish first, or its outcome would overwrite the id
        await().atMost(Duration.ofSeconds(10)).until(() -> !List.of("PENDING", "SENDING").contains(
                jdbc.sql("SELECT status FROM outbox WHERE id = ?").param(outboxId).query(String.class).single()));
        outbox.delivered(outboxId, 777_001);
        // a reply to a message that is no question of anybody's (an id no transport gave out in this run)
        assertThat(support.answerByReply(MANAGER, "Мария", 987_654_321, "не туда")).isEmpty();
        // the manager presses Telegram's Reply on the forwarded question and writes the answer
        maria.replyTo(777_001, "Получила, спасибо!").expect("support.reply-sent");
        petr.poll();
        petr.expect("support.answer").expectContaining("Получила, спасибо!");
        // signed the same way as an answer given with the reply button
        assertThat(support.thread(thread).orElseThrow().answeredByName()).isEqualTo("Мария (@maria_pm)");
        petr.press("support.write-back").send("И ещё вопрос").expect("support.asked");
        maria.poll();
        maria.press("support.reply-button").send("Отвечаю кнопкой").expect("support.reply-sent");
        petr.poll();
        petr.expect("support.answer").expectContaining("Отвечаю кнопкой").expectContaining("Мария (@maria_pm)");
        assertThat(support.thread(thread).orElseThrow().answeredByName()).isEqualTo("Мария (@maria_pm)");
    }

    @Test
    void thePhoneIsWholeForThePersonalManagerOnlyAndMaskedForOthers() {
        long userId = approvedPartner("Без Личного Менеджера");
        jdbc.sql("UPDATE partner SET manager_id = NULL WHERE user_id = ?").param(userId).update();
        ChatTester maria = chat(MANAGER, "Мария");
        support.ask(userId, "Кто мне перезвонит?", null, null);
        maria.poll();
        maria.expect("support.to-manager").expectContaining("+7916*****67");
        assertThat(maria.lastText().text()).doesNotContain("+79161234567");
    }

    @Test
    void aPartnerAsksWithAPhotoAndTheManagerReceivesThePhotoItself() {
        long userId = approvedPartner("Ольга");
        ChatTester maria = chat(MANAGER, "Мария");
        ChatTester olga = chat(userId, "Ольга");
        olga.send("/ask").expect("support.ask-prompt").sendSticker().expect("validation.not-message")
                .sendPhoto("AgACAgIAAxk-photo-id", "Скан договора клиента").expect("support.asked");
        maria.poll();
        maria.expect("support.to-manager").expectContaining("Скан договора клиента");
        assertThat(maria.last()).anySatisfy(s -> assertThat(s.type()).isEqualTo("file"));
        maria.send("/pending").expect("support.list").expectContaining("Ольга");
        assertThat(jdbc.sql("SELECT file_kind FROM support_message m JOIN support_thread t ON t.id = m.thread_id WHERE t.partner_user_id = ?")
                .param(userId).query(String.class).single()).isEqualTo("PHOTO");
    }

    @Test
    void unansweredQuestionsAreRemindedOncePerPeriod() {
        long userId = approvedPartner("Ирина");
        long old = support.ask(userId, "Старый вопрос", null, null);
        long fresh = support.ask(userId, "Свежий вопрос", null, null);
        long answered = support.ask(userId, "Отвеченный вопрос", null, null);
        support.answer(MANAGER, "Мария", answered, "Ответ");
        jdbc.sql("UPDATE support_thread SET waiting_since = now() - interval '5 hours' WHERE id IN (?, ?)").params(old, answered).update();
        ChatTester maria = chat(MANAGER, "Мария");

        assertThat(support.remindOverdue()).isEqualTo(1);
        maria.poll();
        maria.expect("support.reminder").expectContaining("#" + old).expectContaining("5 ч").expectContaining("Старый вопрос");
        assertThat(maria.last()).noneSatisfy(s -> assertThat(s.text()).contains("Свежий вопрос"));
        assertThat(support.remindOverdue()).as("not again within the period").isZero();

        assertThat(support.open(MANAGER, 50)).extracting(SupportThread::id).contains(old, fresh).doesNotContain(answered);
    }

    @Test
    void onlyPartnersAskOnlyManagersAnswerAndAForeignThreadIsRefused() {
        long stranger = USERS.incrementAndGet();
        chat(stranger, "Гость").send("/ask").expect("partner.not-a-partner");
        chat(MANAGER, "Мария").send("/ask").expect("support.for-partners");

        long ownerId = approvedPartner("Олег");
        ChatTester owner = chat(ownerId, "Олег");
        owner.send("/questions").expect("common.not-manager");
        owner.send("/ask").send("x".repeat(4000)).expect("validation.too-long");
        owner.send("Вопрос по договору").expect("support.asked");
        long thread = support.threadsOf(ownerId).get(0).id();
        support.answer(MANAGER, "Мария", thread, "Ответ");
        owner.poll();
        String writeBack = owner.buttonData("support.write-back");

        // another partner pressing a copy of the button gets nowhere (the signature is bound to the chat)
        ChatTester other = chat(approvedPartner("Чужой"), "Чужой");
        other.pressData(writeBack, 1).expectNo("support.ask-prompt");
        assertThat(support.threadsOf(other.userId())).isEmpty();
    }
}
