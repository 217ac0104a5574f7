package io.partnerka.drip;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.conversation.Chats;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Outbox;
import io.partnerka.testing.ChatTester;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A manager's broadcast to a segment: audience, RSVP, HTML kept, preview, confirm, progress, answers, resumption. */
@DripTest
class BroadcastTests extends DripTestBase {

    @Autowired Broadcasts broadcasts;
    @Autowired Outbox outbox;
    @Autowired Notifier notifier;
    @Autowired Chats chats;


    private String newType() {
        return "t" + fx.newUserId();
    }

    @Test
    void aBroadcastWithRsvpReachesOnlyItsSegmentAndTheManagerSeesProgressAndAnswers() {
        String type = newType();
        long a = fx.partner(type, noon);
        long b = fx.partner(type, noon);
        long outsider = fx.partner(newType(), noon);
        ChatTester manager = fx.chat(300);
        ChatTester anna = fx.chat(a);
        ChatTester boris = fx.chat(b);
        ChatTester other = fx.chat(outsider);

        String html = "<b>Вебинар</b> в четверг в 12:00 — <a href=\"https://example.com/w\">регистрация</a> &amp; разбор кейсов";
        manager.send("/broadcast").expect("drip.broadcast.ask-audience")
                .press(messages.text("ru", "drip.audience.type", Map.of("value", type)) + " (2)")
                .expect("drip.broadcast.ask-rsvp")
                .press("drip.broadcast.rsvp-yes").expect("drip.broadcast.ask-text")
                .send("<b>Вебинар</b> в четверг <i>в 12:00").expect("drip.broadcast.bad-html")
                .send(html).expect("drip.broadcast.preview-follows").expect("drip.broadcast.confirm");
        assertThat(manager.last()).anySatisfy(m -> {
            assertThat(m.text()).as("the preview is the text as written").isEqualTo(html);
            assertThat(m.buttons()).extracting(x -> x[0]).containsExactly("✅ Приду", "🤔 Возможно", "❌ Не интересно");
        });
        manager.press("drip.broadcast.send");
        assertThat(manager.last()).anySatisfy(m -> assertThat(m.text()).contains("Рассылка #").contains("из 2"));
        long id = jdbc.sql("SELECT max(id) FROM drip_broadcast").query(Long.class).single();
        manager.press("drip.broadcast.send").expect("drip.broadcast.already-confirmed");

        assertThat(broadcasts.queueDue(Duration.ofSeconds(10))).isEqualTo(2);
        assertThat(anna.poll()).singleElement().satisfies(m -> {
            assertThat(m.text()).isEqualTo(html);
            assertThat(m.buttons()).hasSize(3);
        });
        assertThat(boris.poll()).hasSize(1);
        assertThat(other.poll()).as("not in the segment").isEmpty();

        anna.press("✅ Приду");
        assertThat(anna.last()).anySatisfy(m -> {
            assertThat(m.editOf()).as("the message shows the choice").isNotNull();
            assertThat(m.buttons()).extracting(x -> x[0]).contains("✅ ✅ Приду");
        });
        boris.press("🤔 Возможно").press("❌ Не интересно");
        assertThat(broadcasts.rsvpCounts(id)).containsExactly(1, 0, 1);

        // once the transport delivered the manager's progress message, it is edited with the numbers
        long progressOutbox = broadcasts.find(id).orElseThrow().progressOutboxId();
        if (notifier.deliveredMessageId(progressOutbox).isEmpty()) outbox.delivered(progressOutbox, 555);
        int messageId = notifier.deliveredMessageId(progressOutbox).orElseThrow();
        for (long chat : new long[]{a, b}) {
            jdbc.sql("UPDATE outbox SET status = 'SENT' WHERE chat_id = ?").param(chat).update();
        }
        broadcasts.refreshProgress();
        manager.poll();
        assertThat(manager.last()).anySatisfy(m -> {
            assertThat(m.editOf()).isEqualTo(messageId);
            assertThat(m.text()).contains("✅ Готово").contains("доставлено <b>2</b> из 2").contains("Приду 1")
                    .contains("Не интересно 1");
        });
        broadcasts.refreshProgress();
        assertThat(manager.poll()).as("no edit when nothing changed").isEmpty();
        manager.send("/broadcasts").expectContaining("Рассылка #" + id).expectContaining("Вебинар");
    }

    @Test
    void onlyManagersBroadcast() {
        fx.chat(fx.partner(newType(), noon)).send("/broadcast").expect("common.not-manager");
    }

    @Test
    void aRestartInTheMiddleGoesOnWithoutSendingToAnyoneTwice() {
        String type = newType();
        List<Long> partners = new ArrayList<>();
        for (int i = 0; i < 50; i++) partners.add(fx.partner(type, noon));
        chats.markUnreachable(partners.get(7));
        long id = broadcasts.draft(300, new Audience(Audience.Kind.TYPE, type), false, "Новости программы");
        broadcasts.confirm(id, 300);

        // the one known to have blocked the bot is not counted among those to deliver to
        assertThat(broadcasts.find(id).orElseThrow().total()).isEqualTo(49);
        assertThat(broadcasts.queueOneBatch(20)).isEqualTo(20);
        // the instance dies here; whatever it committed stays, the rest is still pending
        assertThat(jdbc.sql("SELECT count(*) FROM drip_broadcast_recipient WHERE broadcast_id = ? AND status = 'PENDING'")
                .param(id).query(Integer.class).single()).isEqualTo(29);
        assertThat(broadcasts.queueDue(Duration.ofSeconds(10))).isEqualTo(29);
        assertThat(broadcasts.queueDue(Duration.ofSeconds(10))).isZero();

        Map<Long, Integer> received = new java.util.HashMap<>();
        jdbc.sql("SELECT chat_id, count(*) FROM outbox WHERE chat_id = ANY(?) AND payload->>'text' = 'Новости программы' GROUP BY chat_id")
                .param(partners.toArray(Long[]::new)).query(rs -> {
                    received.put(rs.getLong(1), rs.getInt(2));
                });
        assertThat(received).hasSize(49).allSatisfy((chat, n) -> assertThat(n).isEqualTo(1));
        assertThat(received).doesNotContainKey(partners.get(7));
        assertThat(broadcasts.find(id).orElseThrow().status()).isEqualTo("QUEUED_ALL");
    }

    @Test
    void confirmedInQuietHoursItSaysWhenItGoesAndMayBeSentNowAnywayToThoseItCanReach() {
        clock.fix(DripFixtures.today("23:00"));
        String type = newType();
        List<Long> audience = new ArrayList<>();
        for (int i = 0; i < 4; i++) audience.add(fx.partner(type, noon));
        chats.markUnreachable(audience.get(0));
        chats.markUnreachable(audience.get(1));
        ChatTester manager = fx.chat(300);

        // the audience counts those the bot can reach; the blocked ones are named apart
        manager.send("/broadcast").press(messages.text("ru", "drip.audience.type", Map.of("value", type)) + " (2)")
                .press("drip.broadcast.rsvp-no").send("Ночная новость").expect("drip.broadcast.confirm")
                .expectContaining("Ещё 2 из этой аудитории заблокировали бота");
        manager.press("drip.broadcast.send").expect("drip.broadcast.started-later").expectContaining("09:00");
        // the progress message says when it goes and offers to send it now anyway
        manager.expectContaining("🌙 Тихие часы (21:00–09:00): рассылка уйдёт").expectContaining("09:00 (МСК)");
        long id = jdbc.sql("SELECT max(id) FROM drip_broadcast").query(Long.class).single();
        assertThat(manager.lastText().text()).contains("из 2");
        assertThat(manager.lastText().buttons()).extracting(x -> x[0]).containsExactly(messages.text("ru", "drip.broadcast.send-now"));
        assertThat(broadcasts.queueDue(Duration.ofSeconds(10))).as("quiet hours").isZero();

        manager.press("drip.broadcast.send-now").expect("drip.broadcast.sending-now");
        assertThat(broadcasts.queueDue(Duration.ofSeconds(10))).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id = ANY(?) AND payload->>'text' = 'Ночная новость'")
                .param(audience.toArray(Long[]::new)).query(Integer.class).single()).isEqualTo(2);
        manager.press("drip.broadcast.send-now").expect("drip.broadcast.already-confirmed");
    }

    @Test
    void aCancelledDraftIsListedWithItsState() {
        String type = newType();
        fx.partner(type, noon);
        ChatTester manager = fx.chat(300);
        manager.send("/broadcast").press(messages.text("ru", "drip.audience.type", Map.of("value", type)) + " (1)")
                .press("drip.broadcast.rsvp-no").send("Передумала").press("common.cancel").expect("drip.broadcast.cancelled");
        long id = jdbc.sql("SELECT max(id) FROM drip_broadcast").query(Long.class).single();
        manager.send("/broadcasts").expectContaining(messages.text("ru", "drip.broadcast.list-header"))
                .expectContaining("Рассылка #" + id + "</b>").expectContaining(messages.text("ru", "drip.broadcast.state.cancelled"));
    }

    @Test
    void anEmptyAudienceFinishesAtOnce() {
        long id = broadcasts.draft(300, new Audience(Audience.Kind.TYPE, "nobody-" + fx.newUserId()), true, "x");
        assertThat(broadcasts.confirm(id, 300).status()).isEqualTo("DONE");
    }
}
