package io.partnerka.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The page's JSON API over real HTTP: personas, a text through the bot and back, files, stale presses, waiting. */
@PartnerkaTest
class SandboxApiTests {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sandbox/api" + path))
                .timeout(Duration.ofSeconds(30));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private JsonNode newPartner(String name) throws Exception {
        return ok(call("POST", "/personas", "{\"firstName\":\"" + name + "\",\"language\":\"ru\"}"));
    }

    /** Collects the chat's messages by long polling until one from the bot contains {@code text}. */
    private List<JsonNode> waitForBot(long chat, String text) throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        long since = 0;
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            JsonNode state = ok(call("GET", "/chats/" + chat + "?since=" + since + "&wait=5000", null));
            state.get("messages").forEach(seen::add);
            since = state.get("seq").asLong();
            if (seen.stream().anyMatch(m -> "BOT".equals(m.get("from").asString()) && m.get("html").asString().contains(text))) {
                return seen;
            }
        }
        throw new AssertionError("No bot message with " + text + " in " + seen);
    }

    @Test
    void thePartnerAndTheManagerArePersonas() throws Exception {
        JsonNode personas = ok(call("GET", "/personas", null));
        assertThat(personas.valueStream().map(p -> p.get("id").asLong() + ":" + p.get("firstName").asString()
                + ":" + p.get("manager").asBoolean()).toList()).contains("1001:Анна:false", "100:Мария:true");
        JsonNode anna = personas.valueStream().filter(p -> p.get("id").asLong() == 1001).findFirst().orElseThrow();
        assertThat(anna.get("phone").asString()).isEqualTo("+79161234567");
        assertThat(anna.get("language").asString()).isEqualTo("ru");
    }

    @Test
    void aCommandGoesThroughTheBotAndItsAnswerComesBack() throws Exception {
        long chat = newPartner("Олег").get("id").asLong();
        JsonNode sent = ok(call("POST", "/chats/" + chat + "/messages", "{\"text\":\"/help\"}"));
        assertThat(sent.get("from").asString()).isEqualTo("USER");
        assertThat(sent.get("text").asString()).isEqualTo("/help");

        List<JsonNode> chatLog = waitForBot(chat, "<b>Команды</b>");
        assertThat(chatLog.get(0).get("id").asInt()).isEqualTo(sent.get("id").asInt());
        JsonNode help = chatLog.stream().filter(m -> "BOT".equals(m.get("from").asString())).findFirst().orElseThrow();
        assertThat(help.get("id").asInt()).isGreaterThan(sent.get("id").asInt());
        assertThat(help.get("text").asString()).startsWith("Команды\n/client").contains("/menu — главное меню");

        // the sidebar's summary of that chat
        JsonNode oleg = ok(call("GET", "/personas", null)).valueStream()
                .filter(p -> p.get("id").asLong() == chat).findFirst().orElseThrow();
        assertThat(oleg.get("preview").asString()).contains("/help");
    }

    @Test
    void aSharedContactAndAStickerAreShownAndAnswered() throws Exception {
        long chat = newPartner("Ирина").get("id").asLong();
        JsonNode contact = ok(call("POST", "/chats/" + chat + "/contact", null));
        assertThat(contact.get("kind").asString()).isEqualTo("CONTACT");
        assertThat(contact.at("/contact/phone").asString()).startsWith("+7916");
        JsonNode sticker = ok(call("POST", "/chats/" + chat + "/sticker", "{\"emoji\":\"👍\"}"));
        assertThat(sticker.get("sticker").asString()).isEqualTo("👍");
        waitForBot(chat, "Я читаю только текст и кнопки");
    }

    @Test
    void personasCanBeAddedAndChangedWithinWhatTelegramSends() throws Exception {
        JsonNode first = newPartner("Пётр");
        JsonNode second = newPartner("Павел");
        assertThat(second.get("id").asLong()).isGreaterThan(first.get("id").asLong()).isGreaterThan(1001);
        assertThat(second.get("manager").asBoolean()).isFalse();

        long id = second.get("id").asLong();
        JsonNode changed = ok(call("PATCH", "/personas/" + id, "{\"language\":\"en\",\"phone\":\"+7 916 555-44-33\"}"));
        assertThat(changed.get("language").asString()).isEqualTo("en");
        assertThat(changed.get("phone").asString()).isEqualTo("+7 916 555-44-33");
        assertThat(call("PATCH", "/personas/" + id, "{\"phone\":\"<script>\"}").statusCode()).isEqualTo(400);
        assertThat(call("PATCH", "/personas/" + id, "{\"language\":\"not a language\"}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/personas", "{\"firstName\":\"  \"}").statusCode()).isEqualTo(400);
        assertThat(call("GET", "/chats/987654", null).statusCode()).isEqualTo(404);
    }

    @Test
    void anUploadedDocumentIsKeptAndCanBeDownloaded() throws Exception {
        long chat = newPartner("Нина").get("id").asLong();
        byte[] pdf = "%PDF-1.4 договор".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/sandbox/api/chats/" + chat + "/document?name=" + java.net.URLEncoder.encode("../договор.pdf",
                        java.nio.charset.StandardCharsets.UTF_8) + "&caption=подписан"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(pdf)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode doc = ok(upload);
        assertThat(doc.get("kind").asString()).isEqualTo("DOCUMENT");
        assertThat(doc.at("/file/name").asString()).as("no path from the browser").isEqualTo("договор.pdf");
        assertThat(doc.at("/file/size").asLong()).isEqualTo(pdf.length);
        assertThat(doc.get("text").asString()).isEqualTo("подписан");

        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/sandbox/api/files/" + doc.at("/file/fileId").asString() + "?download=true")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(pdf);
        assertThat(download.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
        assertThat(download.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/octet-stream");
    }

    @Test
    void aPressedButtonIsAnswered_withoutAnOutboxRow() throws Exception {
        long chat = newPartner("Вера").get("id").asLong();
        ok(call("POST", "/chats/" + chat + "/messages", "{\"text\":\"/language\"}"));
        JsonNode choice = waitForBot(chat, "Выберите язык").stream().filter(m -> "BOT".equals(m.get("from").asString()))
                .reduce((a, b) -> b).orElseThrow();
        JsonNode english = choice.get("buttons").valueStream().flatMap(JsonNode::valueStream)
                .filter(b -> b.get("data").asString().startsWith("lang:en")).findFirst().orElseThrow();
        String callbackId = ok(call("POST", "/chats/" + chat + "/press", "{\"messageId\":" + choice.get("id").asInt()
                + ",\"data\":\"" + english.get("data").asString() + "\"}")).get("callbackId").asString();

        // the answer reaches the chat (it stops the spinner in Telegram) after the update commits, not via the outbox
        Instant deadline = Instant.now().plusSeconds(20);
        boolean answered = false;
        while (!answered && Instant.now().isBefore(deadline)) {
            JsonNode state = ok(call("GET", "/chats/" + chat + "?since=0&wait=1000", null));
            answered = state.get("answers").valueStream().anyMatch(a -> callbackId.equals(a.get("callbackId").asString()));
        }
        assertThat(answered).as("the press is answered").isTrue();
        waitForBot(chat, "I will speak English now");
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'type' = 'callback-answer'")
                .param(chat).query(Long.class).single()).isZero();
    }

    @Test
    void aPressOnAButtonThatIsNotThereIsRefused() throws Exception {
        long chat = newPartner("Глеб").get("id").asLong();
        HttpResponse<String> response = call("POST", "/chats/" + chat + "/press", "{\"messageId\":123456,\"data\":\"x\"}");
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(json.readTree(response.body()).get("error").asString()).contains("gone");
    }

    @Test
    void anIdlePageWaitsAndThenGetsNothingNew() throws Exception {
        long chat = newPartner("Тихон").get("id").asLong();
        long seq = ok(call("GET", "/chats/" + chat, null)).get("seq").asLong();
        Instant start = Instant.now();
        JsonNode state = ok(call("GET", "/chats/" + chat + "?since=" + seq + "&wait=700", null));
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(state.get("messages")).isEmpty();
    }
}
