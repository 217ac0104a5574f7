package io.partnerka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The login throttle over real HTTP, each client from a loopback address of its own (127.0.0.x: the limits are per
 * client address, and the other test classes log in from 127.0.0.1). The user {@code sentry} exists for this class only.
 */
@PartnerkaTest
class LoginThrottleTests {

    private static final String USER = "sentry";
    private static final String PASSWORD = "sentry-pass";
    private static final String FAILED = "/admin/login?error";
    private static final String THROTTLED = "/admin/login?throttled";

    @LocalServerPort
    int port;

    @Test
    void tenThousandMadeUpNamesDoNotResetARealUsersLock_andTheUserStillGetsInFromTheirOwnAddress() throws Exception {
        Browser home = new Browser("127.0.0.21", port);
        assertThat(home.login(USER, PASSWORD)).as("sentry logs in from home once").doesNotContain("/admin/login");

        Browser attacker = new Browser("127.0.0.22", port);
        for (int i = 0; i < 5; i++) assertThat(attacker.login(USER, "guess-" + i)).endsWith(FAILED);
        assertThat(attacker.login(USER, PASSWORD)).as("locked: the right password too").endsWith(THROTTLED);

        // 10,001 made-up names, which once cleared every bucket
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> floods = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < 4; t++) {
                floods.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < 10_001; i = next.getAndIncrement()) attacker.login("made-up-" + i, "x");
                    return null;
                }));
            }
            for (Future<?> f : floods) f.get();
        } finally {
            pool.shutdownNow();
        }

        assertThat(attacker.login(USER, PASSWORD)).as("still locked for the attacker's address").endsWith(THROTTLED);
        Browser stranger = new Browser("127.0.0.23", port);
        assertThat(stranger.login(USER, PASSWORD)).as("still locked from an address that never logged in").endsWith(THROTTLED);
        assertThat(home.login(USER, PASSWORD)).as("sentry's own address still gets in").doesNotContain("/admin/login");
    }

    @Test
    void twentyParallelGuessesGetAtMostFivePasswordChecks() throws Exception {
        Browser attacker = new Browser("127.0.0.24", port);
        attacker.csrf(); // one session, as a scripted attacker would use
        int guesses = 20;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(guesses);
        List<Future<String>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < guesses; i++) {
                String guess = "parallel-guess-" + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return attacker.login("parallel-victim", guess);
                }));
            }
            go.countDown();
            List<String> results = new ArrayList<>();
            for (Future<String> f : answers) results.add(f.get());
            long checked = results.stream().filter(r -> r.endsWith(FAILED)).count();
            assertThat(checked).as("password checks let through: " + results).isLessThanOrEqualTo(5);
            assertThat(results).allMatch(r -> r.endsWith(FAILED) || r.endsWith(THROTTLED));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Just enough of a browser over a socket bound to a chosen local address (java.net.http cannot choose one on
     * Java 17): a session cookie, the login form's CSRF token, and the Location of the answer.
     */
    static final class Browser {
        private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
        private static final Pattern COOKIE = Pattern.compile("(?im)^set-cookie:\\s*(JSESSIONID=[^;\\r\\n]+)");
        private final InetAddress local;
        private final int port;
        private volatile String cookie;
        private volatile String csrf;

        Browser(String localAddress, int port) throws IOException {
            this.local = InetAddress.getByName(localAddress);
            this.port = port;
        }

        synchronized String csrf() throws IOException {
            if (csrf == null) {
                String page = exchange("GET /admin/login HTTP/1.1\r\n", null);
                Matcher m = CSRF.matcher(page);
                if (!m.find()) throw new AssertionError("no CSRF token on the login page");
                csrf = m.group(1);
            }
            return csrf;
        }

        /** Posts the login form; the answer's Location header. */
        String login(String username, String password) throws IOException {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("username", username);
            form.put("password", password);
            form.put("_csrf", csrf());
            String body = form.entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            String answer = exchange("POST /admin/login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n", body);
            Matcher location = Pattern.compile("(?im)^location:\\s*(\\S+)").matcher(answer);
            if (!location.find()) throw new AssertionError("no redirect: " + answer.lines().findFirst().orElse(""));
            String where = location.group(1);
            if (!where.contains("/admin/login")) csrf = null; // a new login gets a new CSRF token
            return where;
        }

        /** One request on its own connection ({@code Connection: close}); the whole answer, headers and body. */
        private String exchange(String head, String body) throws IOException {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(local, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
                byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                StringBuilder request = new StringBuilder(head).append("Host: 127.0.0.1:").append(port).append("\r\n")
                        .append("Connection: close\r\n");
                if (cookie != null) request.append("Cookie: ").append(cookie).append("\r\n");
                if (body != null) request.append("Content-Length: ").append(payload.length).append("\r\n");
                request.append("\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(payload);
                out.flush();
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                in.transferTo(all);
                String answer = all.toString(StandardCharsets.UTF_8);
                Matcher c = COOKIE.matcher(answer);
                if (c.find()) cookie = c.group(1);
                if (!answer.toLowerCase(Locale.ROOT).startsWith("http/1.1")) throw new AssertionError("not HTTP: " + answer);
                return answer;
            }
        }
    }
}
