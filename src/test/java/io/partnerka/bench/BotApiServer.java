package io.partnerka.bench;

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
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lean Bot API server for the benchmarks: JDK HttpServer on a fixed pool, getUpdates with batches of up to 100
 * (Telegram's offset semantics), or webhook delivery (POSTs with the secret header over a fixed number of
 * connections, as Telegram's max_connections); sendMessage, editMessageText, answerCallbackQuery, sendDocument
 * and the setup calls answered at once. Counts calls per method and per chat, and the 429s Telegram would have
 * given (token buckets at the configured limits) without ever answering one.
 */
final class BotApiServer implements AutoCloseable {

    static final String TOKEN = "123456:BENCH-token-of-the-local-bot-api";
    static final String WEBHOOK_SECRET = "bench-webhook-secret";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final boolean TRACE = System.getenv("BENCH_TRACE") != null;
    private static final String PREFIX = "/bot" + TOKEN + "/";

    /** A Bot API call of a chat as the server saw it (answerCallbackQuery: the chat is read from the query id). */
    record Call(String method, long chatId, ObjectNode params, int messageId, long nanos) {
        String text() {
            JsonNode t = params.get("text");
            return t == null ? "" : t.asText();
        }

        /** Inline buttons (label, callback data) of the call's reply_markup, in order. */
        List<String[]> buttons() {
            JsonNode markup = params.get("reply_markup");
            if (markup == null || markup.isNull()) return List.of();
            if (markup.isTextual()) {
                try {
                    markup = JSON.readTree(markup.asText());
                } catch (IOException e) {
                    return List.of();
                }
            }
            List<String[]> out = new ArrayList<>();
            for (JsonNode row : markup.path("inline_keyboard")) {
                for (JsonNode b : row) {
                    if (b.hasNonNull("callback_data")) out.add(new String[]{b.path("text").asText(), b.path("callback_data").asText()});
                }
            }
            return out;
        }
    }

    interface Listener {
        void onCall(Call call);
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final ArrayDeque<ObjectNode> pending = new ArrayDeque<>(); // guarded by itself
    private final Map<String, LongAdder> methods = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> messagesByChat = new ConcurrentHashMap<>();
    private final AtomicInteger messageIds = new AtomicInteger(1000);
    private final AtomicLong updateIds = new AtomicLong(10_000_000);
    private final AtomicLong firstMessageNanos = new AtomicLong();
    private final AtomicLong lastMessageNanos = new AtomicLong();
    private final LongAdder messages = new LongAdder();
    private final List<Long> messageTimes = new ArrayList<>(); // guarded by itself; only when recording
    private volatile boolean recordTimes;
    private volatile Listener listener = c -> { };
    private volatile Limits limits;
    private volatile Webhook webhook;
    private final Polls polls = new Polls();

    private BotApiServer(HttpServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    static BotApiServer start(int threads) throws IOException {
        // without it every small response waits for a delayed ACK (Nagle): ~40 ms a round trip
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bot-api");
            t.setDaemon(true);
            return t;
        });
        BotApiServer api = new BotApiServer(http, pool);
        http.createContext("/", api::handle);
        http.setExecutor(pool);
        http.start();
        return api;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void listener(Listener l) {
        this.listener = l;
    }

    /** Counts the 429s Telegram would give at these limits (messages a second overall, per chat with a burst). */
    void telegramLimits(double globalPerSecond, double perChatPerSecond, int perChatBurst) {
        this.limits = new Limits(globalPerSecond, perChatPerSecond, perChatBurst);
    }

    void recordMessageTimes(boolean on) {
        recordTimes = on;
    }

    @Override
    public void close() {
        if (webhook != null) webhook.close();
        server.stop(0);
        pool.shutdownNow();
    }

    // ---- updates ----------------------------------------------------------------------------------------------

    /**
     * Offers an update; its update_id is given here, under the lock, so ids rise in the order updates are offered
     * (TelegramBots' poller drops an update whose id is below one it has seen, as Telegram never sends those).
     */
    void push(ObjectNode update) {
        Webhook w = webhook;
        synchronized (pending) {
            update.put("update_id", updateIds.incrementAndGet());
            if (w != null) {
                w.queue.add(update);
                return;
            }
            pending.add(update);
            pending.notifyAll();
        }
    }

    /** From now on updates are POSTed to {@code url} by {@code connections} senders instead of waiting for getUpdates. */
    void webhook(String url, int connections) {
        this.webhook = new Webhook(URI.create(url), connections);
    }

    private JsonNode getUpdates(ObjectNode params) {
        long offset = params.path("offset").asLong(0);
        int limit = Math.max(1, Math.min(100, params.path("limit").asInt(100)));
        long timeoutMs = Math.min(params.path("timeout").asLong(0), 50) * 1000;
        long deadline = System.currentTimeMillis() + timeoutMs;
        ArrayNode result = F.arrayNode();
        polls.asked(System.nanoTime());
        synchronized (pending) {
            while (!pending.isEmpty() && pending.peekFirst().path("update_id").asLong() < offset) pending.pollFirst();
            while (pending.isEmpty() && System.currentTimeMillis() < deadline) {
                try {
                    pending.wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    break;
                }
            }
            int n = 0;
            for (ObjectNode u : pending) {
                if (n++ >= limit) break;
                result.add(u);
            }
        }
        polls.answered(result.size(), System.nanoTime());
        return result;
    }

    // ---- counters ---------------------------------------------------------------------------------------------

    long calls(String method) {
        LongAdder a = methods.get(method.toLowerCase(java.util.Locale.ROOT));
        return a == null ? 0 : a.sum();
    }

    long totalCalls() {
        return methods.entrySet().stream().filter(e -> !e.getKey().equals("getupdates")).mapToLong(e -> e.getValue().sum()).sum();
    }

    /** sendMessage calls so far. */
    long messages() {
        return messages.sum();
    }

    long firstMessageNanos() {
        return firstMessageNanos.get();
    }

    long lastMessageNanos() {
        return lastMessageNanos.get();
    }

    List<Long> messageTimes() {
        synchronized (messageTimes) {
            return new ArrayList<>(messageTimes);
        }
    }

    /** sendMessage calls per chat. */
    Map<Long, AtomicInteger> messagesByChat() {
        return messagesByChat;
    }

    long wouldBe429() {
        return limits == null ? 0 : limits.over.sum();
    }

    Polls polls() {
        return polls;
    }

    /**
     * getUpdates as the poller used it: how many updates each answer held, and how long the application took after
     * an answer with updates before it asked again (receiving them: recording or processing them on receipt).
     */
    static final class Polls {
        private final List<Integer> sizes = new ArrayList<>();
        private final List<Long> turns = new ArrayList<>();
        private long answeredWithUpdates;

        synchronized void asked(long now) {
            if (answeredWithUpdates != 0) turns.add(now - answeredWithUpdates);
            answeredWithUpdates = 0;
        }

        synchronized void answered(int n, long now) {
            if (n == 0) return;
            sizes.add(n);
            answeredWithUpdates = now;
        }

        synchronized void reset() {
            sizes.clear();
            turns.clear();
            answeredWithUpdates = 0;
        }

        synchronized int answers() {
            return sizes.size();
        }

        synchronized double meanSize() {
            return sizes.stream().mapToInt(Integer::intValue).average().orElse(0);
        }

        /** The share of updates that came in answers of more than {@code n}. */
        synchronized double shareInAnswersOver(int n) {
            long all = sizes.stream().mapToLong(Integer::longValue).sum();
            long over = sizes.stream().filter(s -> s > n).mapToLong(Integer::longValue).sum();
            return all == 0 ? 0 : (double) over / all;
        }

        synchronized double turnPercentileMs(double p) {
            if (turns.isEmpty()) return Double.NaN;
            long[] t = turns.stream().mapToLong(Long::longValue).sorted().toArray();
            return t[Math.min(t.length - 1, (int) Math.ceil(p / 100 * t.length) - 1)] / 1e6;
        }
    }

    void resetCounters() {
        polls.reset();
        methods.clear();
        messagesByChat.clear();
        messages.reset();
        firstMessageNanos.set(0);
        lastMessageNanos.set(0);
        synchronized (messageTimes) {
            messageTimes.clear();
        }
        Limits l = limits;
        if (l != null) telegramLimits(l.globalPerSecond, l.perChatPerSecond, l.perChatBurst);
    }

    // ---- HTTP -------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.startsWith(PREFIX)) {
                reply(exchange, 404, error(404, "Not Found"));
                return;
            }
            String method = path.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT);
            ObjectNode params = parse(exchange);
            methods.computeIfAbsent(method, m -> new LongAdder()).increment();
            long now = System.nanoTime();
            if (TRACE) System.out.println("trace " + now / 1_000_000 + " in " + method + " " + params);
            JsonNode result;
            switch (method) {
                case "getupdates" -> result = getUpdates(params);
                case "getme" -> result = F.objectNode().put("id", 4242).put("is_bot", true).put("first_name", "Bench")
                        .put("username", "partnerka_bench_bot");
                case "sendmessage", "senddocument", "sendphoto" -> {
                    long chat = params.path("chat_id").asLong();
                    int id = messageIds.incrementAndGet();
                    if (method.equals("sendmessage")) countMessage(chat, now);
                    listener.onCall(new Call(method, chat, params, id, now));
                    result = sent(chat, id, params);
                }
                case "editmessagetext" -> {
                    long chat = params.path("chat_id").asLong();
                    int id = params.path("message_id").asInt();
                    listener.onCall(new Call(method, chat, params, id, now));
                    result = sent(chat, id, params);
                }
                case "answercallbackquery" -> {
                    listener.onCall(new Call(method, chatOfCallback(params.path("callback_query_id").asText()), params, 0, now));
                    result = F.booleanNode(true);
                }
                default -> result = F.booleanNode(true);
            }
            reply(exchange, 200, F.objectNode().put("ok", true).set("result", result));
            if (TRACE) System.out.println("trace " + System.nanoTime() / 1_000_000 + " out " + method + " " + (method.equals("getupdates") ? result.size() : ""));
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private void countMessage(long chat, long now) {
        messages.increment();
        firstMessageNanos.compareAndSet(0, now);
        lastMessageNanos.accumulateAndGet(now, Math::max);
        messagesByChat.computeIfAbsent(chat, c -> new AtomicInteger()).incrementAndGet();
        if (recordTimes) {
            synchronized (messageTimes) {
                messageTimes.add(now);
            }
        }
        Limits l = limits;
        if (l != null) l.check(chat, now);
    }

    /** Callback query ids of the benchmark carry the chat: {@code c<chat>_<update>}. */
    static long chatOfCallback(String id) {
        int us = id.indexOf('_');
        if (!id.startsWith("c") || us < 0) return 0;
        try {
            return Long.parseLong(id.substring(1, us));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static ObjectNode sent(long chat, int id, ObjectNode params) {
        ObjectNode m = F.objectNode();
        m.put("message_id", id).put("date", System.currentTimeMillis() / 1000);
        m.putObject("chat").put("id", chat).put("type", "private");
        if (params.hasNonNull("text")) m.put("text", params.get("text").asText());
        return m;
    }

    private static ObjectNode error(int code, String description) {
        return F.objectNode().put("ok", false).put("error_code", code).put("description", description);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ObjectNode parse(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        ObjectNode params = F.objectNode();
        if (exchange.getRequestURI().getRawQuery() != null) form(exchange.getRequestURI().getRawQuery(), params);
        if (body.length == 0) return params;
        if (type == null || type.startsWith("application/json")) {
            JsonNode json = JSON.readTree(body);
            if (json instanceof ObjectNode o) params.setAll(o);
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            form(new String(body, StandardCharsets.UTF_8), params);
        } // multipart (documents): only counted
        return params;
    }

    private static void form(String query, ObjectNode params) {
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
    }

    // ---- Telegram's limits, counted -----------------------------------------------------------------------------

    /** Token buckets as Telegram's limits are documented: N messages a second overall, 1 a second per chat (short bursts). */
    static final class Limits {
        final double globalPerSecond;
        final double perChatPerSecond;
        final int perChatBurst;
        static final double JITTER_SECONDS = 0.010;
        final LongAdder over = new LongAdder();
        private double tokens;
        private long last = System.nanoTime();
        private final Map<Long, double[]> chats = new ConcurrentHashMap<>();

        Limits(double globalPerSecond, double perChatPerSecond, int perChatBurst) {
            this.globalPerSecond = globalPerSecond;
            this.perChatPerSecond = perChatPerSecond;
            this.perChatBurst = perChatBurst;
            this.tokens = globalPerSecond;
        }

        synchronized void check(long chat, long now) {
            tokens = Math.min(globalPerSecond, tokens + (now - last) / 1e9 * globalPerSecond);
            last = now;
            // a message may arrive up to JITTER early: the sender's clock is not the server's, calls take varying time
            boolean tooMany = tokens < 1 - JITTER_SECONDS * globalPerSecond;
            if (!tooMany) tokens -= 1;
            double[] c = chats.computeIfAbsent(chat, k -> new double[]{perChatBurst, now});
            c[0] = Math.min(perChatBurst, c[0] + (now - (long) c[1]) / 1e9 * perChatPerSecond);
            c[1] = now;
            if (c[0] < 1 - JITTER_SECONDS * perChatPerSecond) {
                tooMany = true;
            } else {
                c[0] -= 1;
            }
            if (tooMany) over.increment();
        }
    }

    // ---- webhook delivery -------------------------------------------------------------------------------------

    private static final class Webhook {
        final BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>();
        final List<Thread> senders = new ArrayList<>();
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "webhook-io");
                    t.setDaemon(true);
                    return t;
                })).build();
        volatile boolean open = true;

        Webhook(URI url, int connections) {
            for (int i = 0; i < connections; i++) {
                Thread t = new Thread(() -> deliver(url), "webhook-" + i);
                t.setDaemon(true);
                t.start();
                senders.add(t);
            }
        }

        private void deliver(URI url) {
            while (open) {
                ObjectNode update;
                try {
                    update = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                while (open) {
                    try {
                        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(update))).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200) break;
                    } catch (IOException e) {
                        // Telegram tries again later
                    } catch (InterruptedException e) {
                        return;
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        void close() {
            open = false;
            senders.forEach(Thread::interrupt);
        }
    }
}
