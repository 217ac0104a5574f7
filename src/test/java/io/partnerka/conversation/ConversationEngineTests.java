package io.partnerka.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.testing.ChatTester;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Global commands, inputs nobody asked for, expired drafts and double taps. */
@PartnerkaTest
class ConversationEngineTests {

    private static final AtomicLong USERS = new AtomicLong(60_000);

    @Autowired ConversationEngine engine;
    @Autowired Messages messages;
    @Autowired JdbcClient jdbc;
    @Autowired org.springframework.transaction.PlatformTransactionManager transactions;

    private ChatTester person() {
        return new ChatTester(engine, messages, jdbc, USERS.incrementAndGet(), "Олег");
    }

    @Test
    void globalCommandsWorkEverywhere() {
        ChatTester chat = person();
        chat.send("/help").expect("common.help");
        chat.send("/menu").expect("common.menu");
        chat.send("/cancel").expect("common.nothing-to-cancel");
        chat.send("/nonsense").expect("common.unknown-command");
        chat.send("/apply").expect("apply.ask-type").send("/help").expect("common.help")
                .press("apply.type.company").expect("apply.ask-name");   // help did not leave the form
        new ChatTester(engine, messages, jdbc, 100, "Мария").send("/help").expect("common.help-manager");
    }

    @Test
    void inputNobodyAskedForGetsTheMenu() {
        ChatTester chat = person();
        chat.send("привет").expect("common.not-understood");
        chat.sendSticker().expect("common.not-understood-media");
        assertThat(chat.keyboard()).contains(chat.text("menu.apply"));
    }

    @Test
    void aFormLeftForMoreThanADayIsResetWithANotice() {
        ChatTester chat = person().send("/apply").press("apply.type.individual").expect("apply.ask-name");
        jdbc.sql("UPDATE chat SET flow_updated_at = now() - interval '25 hours' WHERE chat_id = ?").param(chat.userId()).update();
        chat.send("Олег Иванов").expect("common.draft-expired").expect("common.not-understood");
    }

    @Test
    void aDoubleTapOnConfirmSubmitsOnce() {
        ChatTester chat = person().send("/apply").press("apply.type.individual").send("Олег Иванов").send("Тверь")
                .send("+7 916 765-43-21").press("common.skip").press("apply.source.other").expect("apply.confirm");
        String confirm = chat.buttonData("common.confirm");
        chat.press("common.confirm").expect("apply.submitted");
        chat.pressData(confirm, 1).expectNo("apply.submitted");
        assertThat(jdbc.sql("SELECT count(*) FROM partner WHERE user_id = ?").param(chat.userId()).query(Integer.class).single())
                .isEqualTo(1);
    }

    @Test
    void aMenuButtonStartsItsFlowEvenInTheMiddleOfAnother() {
        ChatTester chat = person().send("/apply").press("apply.type.individual").expect("apply.ask-name");
        chat.send(chat.text("menu.apply")).expect("apply.ask-type");
    }

    /**
     * A transport's claim runs in the statement that locks the chat: when it returns no row nothing is done (no chat
     * row, no reply, no lock); when it does, the update is handled as usual — for a newcomer too — and the claim's
     * write commits with it.
     */
    @Test
    void anUpdateClaimedInTheStatementThatLocksTheChatIsHandledOnlyWhenTheClaimReturnsARow() {
        org.springframework.transaction.support.TransactionTemplate tx = new org.springframework.transaction.support.TransactionTemplate(transactions);
        jdbc.sql("CREATE TABLE IF NOT EXISTS claim_test (id bigint PRIMARY KEY)").update();
        long user = USERS.incrementAndGet();
        ConversationEngine.Claim claim = new ConversationEngine.Claim(
                "INSERT INTO claim_test (id) VALUES (?) ON CONFLICT (id) DO NOTHING RETURNING id", user);
        java.util.function.Function<Inbound, Boolean> handled = in -> tx.execute(s -> engine.process(in, claim));
        java.util.function.Supplier<Integer> replies = () -> jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id = ?")
                .param(user).query(Integer.class).single();

        assertThat(handled.apply(Inbound.text(user, "/help"))).as("a newcomer, claimed").isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM chat WHERE chat_id = ?").param(user).query(Integer.class).single()).isEqualTo(1);
        assertThat(replies.get()).isEqualTo(1);

        assertThat(handled.apply(Inbound.text(user, "/help"))).as("claimed before").isFalse();
        assertThat(replies.get()).isEqualTo(1);

        long other = USERS.incrementAndGet();
        assertThat(handled.apply(Inbound.text(other, "/help"))).as("not this update's").isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM chat WHERE chat_id = ?").param(other).query(Integer.class).single()).isZero();

        ConversationEngine.Claim next = new ConversationEngine.Claim(
                "INSERT INTO claim_test (id) VALUES (?) ON CONFLICT (id) DO NOTHING RETURNING id", -user);
        Boolean known = tx.execute(s -> engine.process(Inbound.text(user, "/menu"), next));
        assertThat(known).as("someone known, claimed").isTrue();
        assertThat(replies.get()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM claim_test WHERE id IN (?, ?)").params(user, -user).query(Integer.class).single())
                .isEqualTo(2);
    }
}
