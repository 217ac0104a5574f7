package io.partnerka.deal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A local HTTP server standing in for a CRM's webhook receiver ({@code /hook}) and a Bitrix24 portal's REST API
 * ({@code /rest/1/secret-code/<method>.json}). It records every request; tests program its answers per path.
 */
public final class HttpStandIn {

    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    public record Response(int status, String body) {
    }

    public static final String BITRIX_PATH = "/rest/1/secret-code/";
    private static final HttpStandIn INSTANCE = new HttpStandIn();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Request, Response>> answers = new ConcurrentHashMap<>();
    private final AtomicLong leadIds = new AtomicLong(5000);

    private HttpStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(r);
            Response answer = answers.getOrDefault(r.path(), this::byDefault).apply(r);
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public static HttpStandIn get() {
        return INSTANCE;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers requests to {@code path} with this function from now on. */
    public void answer(String path, Function<Request, Response> answer) {
        answers.put(path, answer);
    }

    public void reset() {
        answers.clear();
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private Response byDefault(Request r) {
        if (r.path().equals(BITRIX_PATH + "crm.lead.add.json")) {
            return new Response(200, "{\"result\": " + leadIds.incrementAndGet() + ", \"time\": {\"start\": 1}}");
        }
        if (r.path().startsWith(BITRIX_PATH)) {
            return new Response(400, "{\"error\": \"ERROR_METHOD_NOT_FOUND\", \"error_description\": \"Method not found!\"}");
        }
        return new Response(200, "");
    }
}
