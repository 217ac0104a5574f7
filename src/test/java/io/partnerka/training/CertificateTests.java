package io.partnerka.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.testing.ChatTester;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The certificate a partner receives (a PDF read back here) and the public page that verifies its code. */
@PartnerkaTest
class CertificateTests {

    @LocalServerPort int port;
    @Autowired ConversationEngine engine;
    @Autowired Messages messages;
    @Autowired JdbcClient jdbc;
    @Autowired TrainingStore store;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Passes the shipped mandatory course and returns the PDF the partner was sent. */
    private byte[] passBasics(long userId) {
        store.markRead(userId, "basics", 3);
        new ChatTester(engine, messages, jdbc, userId, "Ёлка").send("/training")
                .press("📖 Основы партнёрской программы").press("training.button.quiz")
                .press("15 %").press("Кнопкой «Передать клиента» в боте")
                .press("Реквизиты, одобренные менеджером").press("Деньги на балансе").press("training.button.done")
                .press("Сделка больше 3 дней на одном этапе").expectContaining("Тест сдан!");
        String payload = jdbc.sql("SELECT payload FROM outbox WHERE chat_id = ? AND payload->>'type' = 'document' ORDER BY id DESC LIMIT 1")
                .param(userId).query(String.class).single();
        JsonNode node = JsonMapper.builder().build().readTree(payload);
        assertThat(node.path("fileName").asString()).startsWith("certificate-PK-");
        return Base64.getDecoder().decode(node.path("content").asString());
    }

    @Test
    void theCertificateNamesThePartnerInCyrillicWithTheCourseDateAndCode() throws Exception {
        long userId = TestPartners.approved(jdbc, "individual", "Ёлкина Жанна Юрьевна");
        byte[] pdf = passBasics(userId);
        TrainingStore.CertificateRow row = store.certificateOf(userId, "basics").orElseThrow();

        assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(pdf.length).as("only the glyphs used are embedded").isLessThan(150_000);
        PdfReader reader = new PdfReader(pdf);
        assertThat(reader.getNumberOfPages()).isEqualTo(1);
        String text = new PdfTextExtractor(reader).getTextFromPage(1);
        assertThat(text).contains("СЕРТИФИКАТ").contains("Ёлкина Жанна Юрьевна")
                .contains("Основы партнёрской программы").contains(row.code()).contains("100%")
                .contains("/certificates/" + row.code());
        assertThat(new String(pdf, StandardCharsets.ISO_8859_1)).as("the font is embedded").contains("DejaVuSans");
        reader.close();
    }

    @Test
    void anEnglishCertificateReadsInEnglish() throws Exception {
        long userId = TestPartners.approved(jdbc, "individual", "Jane Fir");
        jdbc.sql("INSERT INTO chat (chat_id, user_id, language, language_chosen) VALUES (?, ?, 'en', TRUE) "
                + "ON CONFLICT (chat_id) DO UPDATE SET language = 'en', language_chosen = TRUE").params(userId, userId).update();
        jdbc.sql("UPDATE partner SET language = 'en' WHERE user_id = ?").param(userId).update();
        store.markRead(userId, "basics", 3);
        new ChatTester(engine, messages, jdbc, userId, "Jane").inEnglish().send("/training")
                .press("📖 Partner program basics").press("training.button.quiz")
                .press("15 %").press("With “Submit a client” in the bot")
                .press("Requisites approved by a manager").press("Money on the balance").press("training.button.done")
                .press("The deal stays in one stage over 3 days");
        String payload = jdbc.sql("SELECT payload FROM outbox WHERE chat_id = ? AND payload->>'type' = 'document' ORDER BY id DESC LIMIT 1")
                .param(userId).query(String.class).single();
        byte[] pdf = Base64.getDecoder().decode(JsonMapper.builder().build().readTree(payload).path("content").asString());
        PdfReader reader = new PdfReader(pdf);
        String text = new PdfTextExtractor(reader).getTextFromPage(1);
        reader.close();
        assertThat(text).contains("Jane Fir").contains("“");
        assertThat(text).as("Russian letters or quotation marks in an English certificate").doesNotContainPattern("[\\p{IsCyrillic}«»]");
    }

    @Test
    void theVerificationPageSaysWhetherACodeIsValid() throws Exception {
        long userId = TestPartners.approved(jdbc, "individual", "Иван Громов");
        passBasics(userId);
        String code = store.certificateOf(userId, "basics").orElseThrow().code();

        HttpResponse<String> valid = get("/certificates/" + code);
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(valid.headers().firstValue("Content-Type").orElse("")).contains("text/html");
        assertThat(valid.body()).contains("Сертификат действителен").contains("Иван Громов")
                .contains("Основы партнёрской программы").contains(code);

        HttpResponse<String> lowerCase = get("/certificates/" + code.toLowerCase() + "?lang=en");
        assertThat(lowerCase.statusCode()).isEqualTo(200);
        assertThat(lowerCase.body()).contains("The certificate is valid").contains("Иван Громов");

        HttpResponse<String> unknown = get("/certificates/PK-0000-0000");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("Действительного сертификата с таким кодом нет").doesNotContain("Иван Громов");

        HttpResponse<String> junk = get("/certificates/%3Cscript%3E");
        assertThat(junk.statusCode()).isEqualTo(404);
        assertThat(junk.body()).doesNotContain("<script>");

        jdbc.sql("UPDATE certificate SET revoked_at = now() WHERE code = ?").param(code).update();
        assertThat(get("/certificates/" + code).statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept-Language", "ru-RU").GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
