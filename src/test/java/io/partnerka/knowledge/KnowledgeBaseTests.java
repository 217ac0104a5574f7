package io.partnerka.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.ContentProblem;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.testing.ChatTester;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The shipped knowledge base: browsing with Back, visibility per segment, and search ranking. */
@PartnerkaTest
class KnowledgeBaseTests {

    private static final AtomicLong USERS = new AtomicLong(80_000);

    @Autowired ConversationEngine engine;
    @Autowired Messages messages;
    @Autowired JdbcClient jdbc;
    @Autowired KnowledgeBase kb;

    private ChatTester partner(String type) {
        long userId = USERS.incrementAndGet();
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language, manager_id)
                        VALUES (?, ?, 'APPROVED', ?, 'Анна', 'Москва', '+79161234567', 'social', ?, 'ru', 100)""")
                .params(userId, userId, type, type).update();
        return new ChatTester(engine, messages, jdbc, userId, "Анна");
    }

    private static List<String> buttons(ChatTester chat) {
        return chat.lastText().buttons().stream().map(b -> b[0]).toList();
    }

    @Test
    void aPartnerBrowsesSectionsAndArticlesAndGoesBack() {
        ChatTester chat = partner("individual");
        assertThat(chat.send("/menu").keyboard()).contains(chat.text("kb.menu"), chat.text("training.menu"), chat.text("support.menu"));
        chat.send(chat.text("kb.menu")).expect("kb.home");
        assertThat(buttons(chat)).containsExactly("📂 Деньги и выплаты", "📂 Клиенты и сделки");

        chat.press("📂 Деньги и выплаты").expect("kb.section");
        assertThat(chat.lastText().editOf()).as("the menu message is edited in place").isNotNull();
        assertThat(buttons(chat)).containsExactly("Сколько я зарабатываю", "Как получить выплату", "Реквизиты для выплат", "← Назад");

        chat.press("Сколько я зарабатываю").expect("kb.article").expectContaining("<b>15 %</b> от суммы");
        chat.press("kb.back").expect("kb.section").expectContaining("Деньги и выплаты");
        chat.press("kb.back").expect("kb.home");

        chat.press("📂 Клиенты и сделки").press("Как передать клиента").expectContaining("Передать клиента");
        assertThat(chat.lastText().buttons()).anySatisfy(b -> assertThat(b[0]).isEqualTo("🔗 Памятка с примерами"));
    }

    @Test
    void aSectionForCompaniesIsVisibleOnlyToCompanies() {
        ChatTester company = partner("company");
        company.send("/kb").expect("kb.home");
        assertThat(buttons(company)).contains("📂 Для компаний-партнёров");
        String companiesButton = company.buttonData("📂 Для компаний-партнёров");

        ChatTester individual = partner("individual");
        individual.send("/kb");
        assertThat(buttons(individual)).doesNotContain("📂 Для компаний-партнёров");
        individual.send("/kb договор").expect("kb.nothing-found");
        company.send("/kb договор").expect("kb.found");
        assertThat(buttons(company)).first().isEqualTo("Договор с компанией");

        // the company becomes an individual: the old button no longer opens the section
        jdbc.sql("UPDATE partner SET type = 'individual', segment = 'individual' WHERE user_id = ?").param(company.userId()).update();
        company.pressData(companiesButton, 1).expect("kb.home");
        assertThat(buttons(company)).doesNotContain("📂 Для компаний-партнёров");
    }

    @Test
    void searchRanksTitlesAboveTextsAndFindsOtherWordForms() {
        ChatTester chat = partner("individual");
        chat.send("/kb как получить выплату").expect("kb.found");
        assertThat(buttons(chat)).first().isEqualTo("Как получить выплату");

        chat.send("/kb реквизиты").expect("kb.found");
        assertThat(buttons(chat)).startsWith("Реквизиты для выплат", "Как получить выплату").endsWith("📚 Все разделы");

        // "комиссии" is found through the keyword "комиссия"
        chat.send("/kb какой процент комиссии").expect("kb.found");
        assertThat(buttons(chat)).first().isEqualTo("Сколько я зарабатываю");

        chat.press("Сколько я зарабатываю").expect("kb.article");
        chat.send("/kb квантовая хромодинамика").expect("kb.nothing-found");
        chat.send("/kb ???").expect("kb.nothing-found");
    }

    @Test
    void scoresPreferTitleThenKeywordsThenText() {
        KnowledgeBase.Reader reader = new KnowledgeBase.Reader("individual", "individual", false, "en");
        List<KnowledgeBase.Hit> hits = kb.search("payout requisites", reader, 5);
        assertThat(hits).extracting(h -> h.article().id()).startsWith("requisites", "payout");
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        assertThat(kb.search("the and of", reader, 5)).isEmpty();
        assertThat(kb.problems()).noneMatch(ContentProblem::error);
    }

    @Test
    void managersSeeEverySection() {
        ChatTester manager = new ChatTester(engine, messages, jdbc, 100, "Мария");
        manager.send("/kb").expect("kb.home");
        assertThat(buttons(manager)).contains("📂 Для компаний-партнёров");
    }
}
