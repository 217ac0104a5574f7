package io.partnerka.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * A local HTTP server that speaks enough of the Bot API for the adapter's tests: routes {@code /bot<token>/<method>},
 * queues updates for getUpdates (with Telegram's offset semantics: an update stays until a later offset confirms
 * it), records every call with its parameters (JSON, form or multipart), and answers errors on demand
 * (429 with retry_after, 403, 500, any description).
 */
public final class FakeBotApi implements AutoCloseable {

    public static final String TOKEN = "123456:TEST-token-of-the-fake-bot-api";
    public static final long BOT_ID = 4242;
    public static final String BOT_USERNAME = "partnerka_test_bot";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("^/bot([^/]+)/([A-Za-z]+)$");

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Call> answered = new CopyOnWriteArrayList<>();
    private final List<JsonNode> pending = new ArrayList<>(); // guarded by itself
    private final AtomicInteger messageIds = new AtomicInteger(1000);
    private volatile Duration longPoll = Duration.ofMillis(300);

    /** One Bot API call as the server received it; method names are case-insensitive, as in the Bot API. */
    public record Call(String method, ObjectNode params, Map<String, Upload> files, Instant at) {

        public Long chatId() {
            JsonNode id = params.get("chat_id");
            return id == null || id.isNull() ? null : Long.parseLong(id.asText());
        }

        public String text() {
            return param("text");
        }

        public String param(String name) {
            JsonNode v = params.get(name);
            return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
        }

        /** The file sent as a parameter: uploaded in its own part, or referred to as attach://part. */
        public Upload file(String name) {
            String value = param(name);
            if (value != null && value.startsWith("attach://")) return files.get(value.substring("attach://".length()));
            return files.get(name);
        }

        /** A parameter that holds JSON (reply_markup in a multipart call is a string of JSON, in a JSON call an object). */
        public JsonNode json(String name) {
            JsonNode v = params.get(name);
            if (v == null || v.isNull()) return null;
            if (!v.isTextual()) return v;
            try {
                return JSON.readTree(v.asText());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A file sent in a multipart call. */
    public record Upload(String fileName, byte[] content) {
    }

    /** An answer: HTTP status and the full JSON body. */
    public record Response(int status, JsonNode body) {
    }

    /** A rule's response, or a delay before the normal answer ({@code response} null), or a dropped connection. */
    private record Rule(String method, Predicate<Call> when, Response response, AtomicInteger times, Duration delay) {
        Rule(String method, Predicate<Call> when, Response response, AtomicInteger times) {
            this(method, when, response, times, null);
        }
    }

    /** Not an answer: the server reads the call, does nothing and closes the connection without a response. */
    public static final Response DROP = new Response(0, null);

    private FakeBotApi(HttpServer server) {
        this.server = server;
    }

    /** Points the application under test at this server, with the given people as the program's managers. */
    public void connect(org.springframework.test.context.DynamicPropertyRegistry registry, long... managers) {
        registry.add("partnerka.telegram.token", () -> TOKEN);
        registry.add("partnerka.telegram.api-url", this::url);
        registry.add("partnerka.manager-ids", () -> String.join(",",
                java.util.Arrays.stream(managers).mapToObj(String::valueOf).toList()));
    }

    public static FakeBotApi start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeBotApi api = new FakeBotApi(server);
            server.createContext("/", api::handle);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-bot-api");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return api;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** scheme://host:port, for partnerka.telegram.api-url. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How long getUpdates waits for news when there is none (Telegram: up to the timeout asked for). */
    public void longPoll(Duration wait) {
        this.longPoll = wait;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- scripting ------------------------------------------------------------------------------------------------

    /** Updates (Telegram JSON) for the next getUpdates. */
    public void queueUpdates(Object... updates) {
        synchronized (pending) {
            for (Object u : updates) pending.add(JSON.valueToTree(u));
            pending.notifyAll();
        }
    }

    /** Updates queued and not yet confirmed by a getUpdates offset. */
    public int unconfirmedUpdates() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Answers the next {@code times} calls of {@code method} that match with {@code response}. */
    public void failNext(String method, Predicate<Call> when, int times, Response response) {
        rules.add(new Rule(method, when, response, new AtomicInteger(times)));
    }

    /** The next {@code times} matching calls are answered normally, but only after {@code delay}. */
    public void slowNext(String method, Predicate<Call> when, int times, Duration delay) {
        rules.add(new Rule(method, when, null, new AtomicInteger(times), delay));
    }

    /** Calls answered 200 (what the Bot API did): a dropped or failed call is not among them. */
    public List<Call> answered(String method) {
        return answered.stream().filter(c -> c.method().equalsIgnoreCase(method)).toList();
    }

    public void failNext(String method, Predicate<Call> when, Response response) {
        failNext(method, when, 1, response);
    }

    public static Response tooManyRequests(int retryAfter) {
        ObjectNode body = error(429, "Too Many Requests: retry after " + retryAfter);
        body.putObject("parameters").put("retry_after", retryAfter);
        return new Response(429, body);
    }

    public static Response forbidden() {
        return new Response(403, error(403, "Forbidden: bot was blocked by the user"));
    }

    public static Response serverError() {
        return new Response(500, error(500, "Internal Server Error"));
    }

    public static Response badRequest(String description) {
        return new Response(400, error(400, "Bad Request: " + description));
    }

    private static ObjectNode error(int code, String description) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("ok", false).put("error_code", code).put("description", description);
        return body;
    }

    // ---- what was called ------------------------------------------------------------------------------------------

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equalsIgnoreCase(method)).toList();
    }

    public List<Call> calls(String method, long chatId) {
        return calls.stream().filter(c -> c.method().equalsIgnoreCase(method) && Long.valueOf(chatId).equals(c.chatId())).toList();
    }

    /** Waits until at least {@code count} calls of {@code method} match, and returns the matching calls. */
    public List<Call> awaitCalls(String method, Predicate<Call> filter, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Call> matching = calls.stream().filter(c -> c.method().equalsIgnoreCase(method) && filter.test(c)).toList();
            if (matching.size() >= count) return matching;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Expected " + count + " " + method + " call(s) within " + timeout + ", got "
                        + matching.size() + "; all calls: " + calls.stream().map(c -> c.method() + c.params()).toList());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public List<Call> awaitCalls(String method, long chatId, int count) {
        return awaitCalls(method, c -> Long.valueOf(chatId).equals(c.chatId()), count, Duration.ofSeconds(10));
    }

    // ---- updates as Telegram sends them ---------------------------------------------------------------------------

    public static ObjectNode user(long id, String languageCode) {
        ObjectNode user = JsonNodeFactory.instance.objectNode();
        user.put("id", id).put("is_bot", false).put("first_name", "User" + id).put("username", "user" + id);
        if (languageCode != null) user.put("language_code", languageCode);
        return user;
    }

    public static ObjectNode privateChat(long id) {
        ObjectNode chat = JsonNodeFactory.instance.objectNode();
        chat.put("id", id).put("type", "private").put("first_name", "User" + id);
        return chat;
    }

    /** A message in a private chat from that chat's user (English client); add text, contact, document... to it. */
    public static ObjectNode message(long chatId, int messageId) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("message_id", messageId).put("date", Instant.now().getEpochSecond());
        m.set("from", user(chatId, "en"));
        m.set("chat", privateChat(chatId));
        return m;
    }

    public static ObjectNode update(long updateId, String kind, JsonNode content) {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        u.put("update_id", updateId);
        u.set(kind, content);
        return u;
    }

    public static ObjectNode textUpdate(long updateId, long chatId, String text) {
        ObjectNode m = message(chatId, (int) (updateId % 1_000_000));
        m.put("text", text);
        if (text.startsWith("/")) {
            ArrayNode entities = m.putArray("entities");
            entities.addObject().put("type", "bot_command").put("offset", 0)
                    .put("length", text.split("\\s+", 2)[0].length());
        }
        return update(updateId, "message", m);
    }

    public static ObjectNode callbackUpdate(long updateId, long chatId, String data, int messageId) {
        ObjectNode q = JsonNodeFactory.instance.objectNode();
        q.put("id", "cbq" + updateId);
        q.set("from", user(chatId, "en"));
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("message_id", messageId).put("date", Instant.now().getEpochSecond()).put("text", "...");
        ObjectNode from = JsonNodeFactory.instance.objectNode();
        from.put("id", BOT_ID).put("is_bot", true).put("first_name", "Bot").put("username", BOT_USERNAME);
        m.set("from", from);
        m.set("chat", privateChat(chatId));
        q.set("message", m);
        q.put("chat_instance", "ci" + chatId).put("data", data);
        return update(updateId, "callback_query", q);
    }

    /** The same JSON as a TelegramBots Update (what a poller or the sandbox hands over). */
    public static Update toUpdate(JsonNode json) {
        return TelegramJson.read(json.toString());
    }

    // ---- the server -----------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!path.matches()) {
                reply(exchange, new Response(404, error(404, "Not Found")));
                return;
            }
            if (!TOKEN.equals(path.group(1))) {
                reply(exchange, new Response(401, error(401, "Unauthorized")));
                return;
            }
            String method = path.group(2);
            Map<String, Upload> files = new LinkedHashMap<>();
            ObjectNode params = parse(exchange, files);
            Call call = new Call(method, params, files, Instant.now());
            calls.add(call);
            for (Rule rule : rules) {
                if (rule.method().equalsIgnoreCase(method) && rule.when().test(call) && rule.times().getAndDecrement() > 0) {
                    if (rule.delay() != null) {
                        sleep(rule.delay());
                        break;
                    }
                    // the JDK server closes the connection when a handler fails: the client reads nothing at all
                    if (rule.response() == DROP) throw new IOException("connection dropped on purpose");
                    reply(exchange, rule.response());
                    return;
                }
            }
            JsonNode result = answer(method, params);
            answered.add(call);
            reply(exchange, new Response(200, ok(result)));
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode answer(String method, ObjectNode params) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (method.toLowerCase(java.util.Locale.ROOT)) {
            case "getupdates":
                return updates(params);
            case "getme": {
                ObjectNode me = f.objectNode();
                me.put("id", BOT_ID).put("is_bot", true).put("first_name", "Partnerka Test").put("username", BOT_USERNAME);
                return me;
            }
            case "sendmessage":
            case "senddocument":
            case "sendphoto":
                return sentMessage(params, messageIds.incrementAndGet());
            case "editmessagetext":
                return sentMessage(params, params.path("message_id").asInt());
            default:
                return f.booleanNode(true);
        }
    }

    private JsonNode updates(ObjectNode params) {
        long offset = params.path("offset").asLong(0);
        int limit = params.path("limit").asInt(100);
        long timeoutMs = Math.min(params.path("timeout").asLong(0) * 1000, longPoll.toMillis());
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (pending) {
            // an offset confirms every update before it: Telegram forgets them
            pending.removeIf(u -> u.path("update_id").asLong() < offset);
            while (pending.isEmpty() && System.currentTimeMillis() < deadline) {
                try {
                    pending.wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    break;
                }
            }
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            for (Iterator<JsonNode> it = pending.iterator(); it.hasNext() && result.size() < limit; ) {
                result.add(it.next());
            }
            return result;
        }
    }

    private static ObjectNode sentMessage(ObjectNode params, int messageId) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("message_id", messageId).put("date", Instant.now().getEpochSecond());
        long chatId = params.hasNonNull("chat_id") ? Long.parseLong(params.get("chat_id").asText()) : 0;
        m.set("chat", privateChat(chatId));
        if (params.hasNonNull("text")) m.put("text", params.get("text").asText());
        return m;
    }

    private static ObjectNode ok(JsonNode result) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("ok", true);
        body.set("result", result);
        return body;
    }

    private static void reply(HttpExchange exchange, Response response) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ObjectNode parse(HttpExchange exchange, Map<String, Upload> files) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        if (exchange.getRequestURI().getRawQuery() != null) form(exchange.getRequestURI().getRawQuery(), params);
        if (body.length == 0) return params;
        if (type == null || type.startsWith("application/json")) {
            JsonNode json = JSON.readTree(body);
            if (json instanceof ObjectNode o) params.setAll(o);
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            form(new String(body, StandardCharsets.UTF_8), params);
        } else if (type.startsWith("multipart/form-data")) {
            multipart(body, type, params, files);
        }
        return params;
    }

    private static void form(String query, ObjectNode params) {
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("\\bname=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("\\bfilename=\"([^\"]*)\"");

    /** Just enough of multipart/form-data for what TelegramBots sends. */
    private static void multipart(byte[] body, String type, ObjectNode params, Map<String, Upload> files) {
        Matcher b = BOUNDARY.matcher(type);
        if (!b.find()) return;
        String raw = new String(body, StandardCharsets.ISO_8859_1); // one char per byte: offsets are byte offsets
        String delimiter = "--" + b.group(1);
        for (String part : raw.split(Pattern.quote(delimiter))) {
            if (part.startsWith("--") || part.isBlank()) continue;
            int headerEnd = part.indexOf("\r\n\r\n");
            if (headerEnd < 0) continue;
            String headers = part.substring(0, headerEnd);
            String content = part.substring(headerEnd + 4);
            if (content.endsWith("\r\n")) content = content.substring(0, content.length() - 2);
            byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
            Matcher name = NAME.matcher(headers);
            if (!name.find()) continue;
            Matcher fileName = FILENAME.matcher(headers);
            if (fileName.find()) {
                files.put(name.group(1), new Upload(fileName.group(1), bytes));
            } else {
                params.put(name.group(1), new String(bytes, StandardCharsets.UTF_8));
            }
        }
    }
}
