package io.partnerka.deal;

import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.money.Ledger;
import io.partnerka.partner.PartnerView;
import io.partnerka.testing.ChatTester;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * What the deal, money and CRM tests share: one application context (so one embedded PostgreSQL for all of them),
 * a local HTTP stand-in for the CRM and Bitrix24, the CRM secret, and quick ways to make approved partners. The
 * scheduled CRM sender is effectively off (tests pump it), so what a test sees does not depend on timing.
 */
@PartnerkaTest
@Import(SwitchableGate.class)
@TestPropertySource(properties = {
        "partnerka.manager-ids=200",
        "partnerka.crm.secret=" + DealsTestBase.SECRET,
        "partnerka.bitrix24.application-token=" + DealsTestBase.BITRIX_TOKEN,
        "partnerka.crm.delivery.interval=1h",
        "partnerka.crm.delivery.initial-delay=1h",
        "partnerka.crm.delivery.max-attempts=3",
        "partnerka.crm.delivery.backoff-base=1s"})
public abstract class DealsTestBase {

    public static final String SECRET = "test-crm-secret";
    public static final String BITRIX_TOKEN = "b24-application-token";
    public static final long MANAGER = 100;
    public static final long OTHER_MANAGER = 200;
    private static final AtomicLong USERS = new AtomicLong(700_000);
    private static final AtomicLong PHONES = new AtomicLong(1_000_000);

    /** When set, the test gate refuses every submission (as a training module would until a course is passed). */
    public static volatile boolean gateClosed;

    @Autowired protected ConversationEngine engine;
    @Autowired protected Messages messages;
    @Autowired protected JdbcClient jdbc;
    @Autowired protected Deals deals;
    @Autowired protected Ledger ledger;
    @Autowired protected io.partnerka.training.Training training;

    @DynamicPropertySource
    static void standIn(DynamicPropertyRegistry registry) {
        registry.add("partnerka.crm.webhook-url", () -> HttpStandIn.get().url("/hook"));
        registry.add("partnerka.bitrix24.webhook-url", () -> HttpStandIn.get().url(HttpStandIn.BITRIX_PATH));
    }

    @BeforeEach
    void resetStandIn() {
        HttpStandIn.get().reset();
        gateClosed = false;
    }

    /** A fresh, valid Russian mobile number in E.164. */
    protected static String newPhone() {
        return "+7916" + PHONES.incrementAndGet();
    }

    protected ChatTester chat(long userId, String name) {
        return new ChatTester(engine, messages, jdbc, userId, name);
    }

    protected ChatTester manager() {
        return chat(MANAGER, "Мария");
    }

    /**
     * An approved partner (rows as the apply journey leaves them) whose personal manager is {@link #MANAGER} and who
     * passed the mandatory training (the gate is on, as by default).
     */
    protected ChatTester approvedPartner(String name) {
        ChatTester chat = untrainedPartner(name);
        passTraining(chat);
        return chat;
    }

    /** An approved partner who has not passed the mandatory training yet. */
    protected ChatTester untrainedPartner(String name) {
        long user = USERS.incrementAndGet();
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language,
                                             manager_id, decided_at)
                        VALUES (?, ?, 'APPROVED', 'individual', ?, 'Москва', ?, 'social', 'individual', 'ru', ?, now())""")
                .params(user, user, name, newPhone(), MANAGER).update();
        return chat(user, name);
    }

    /** Passes the partner's mandatory courses the quick way: a passed attempt and its certificate, as training keeps them. */
    protected void passTraining(ChatTester partner) {
        io.partnerka.testing.TrainingShortcut.passMandatory(jdbc, training, partner.userId());
    }

    protected ChatTester personWithStatus(String status) {
        long user = USERS.incrementAndGet();
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language)
                        VALUES (?, ?, ?, 'individual', 'Пётр', 'Москва', ?, 'social', 'individual', 'ru')""")
                .params(user, user, status, newPhone()).update();
        return chat(user, "Пётр");
    }

    protected PartnerView partnerOf(ChatTester chat) {
        return jdbc.sql("SELECT id FROM partner WHERE user_id = ?").param(chat.userId()).query(Long.class).optional()
                .flatMap(id -> partners().byId(id)).orElseThrow();
    }

    @Autowired private io.partnerka.partner.Partners partnersService;

    protected io.partnerka.partner.Partners partners() {
        return partnersService;
    }

    /** Submits a client the quick way (the flow itself is covered by the journey tests). */
    protected DealView submit(ChatTester partner, String clientName, String phone, String product) {
        return deals.submit(partner.userId(), new ClientDraft(clientName, phone, product, null)).deal();
    }

    protected DealView submit(ChatTester partner, String clientName) {
        return submit(partner, clientName, newPhone(), "accounting");
    }

    protected int ledgerEntries(long dealId) {
        return jdbc.sql("SELECT count(*) FROM ledger_entry WHERE deal_id = ?").param(dealId).query(Integer.class).single();
    }
}
