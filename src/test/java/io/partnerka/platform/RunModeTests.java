package io.partnerka.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Which mode runs, decided by what is configured, and never mistaken: the sandbox only with nothing configured or when
 * switched on by name (then with a loud warning), and on the loopback address unless an address is named together with
 * the switch; with a database and no token the app runs without the bot and says so. The whole application is started
 * against a real PostgreSQL (no embedded one: a datasource is what production has), reached over real sockets.
 */
@ExtendWith(OutputCaptureExtension.class)
class RunModeTests {

    private static EmbeddedPostgres postgres;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void database() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) postgres.close();
    }

    @Test
    void theDecisionTable() {
        ModeBanner.Decision nothing = decide();
        assertThat(nothing.label()).isEqualTo("SANDBOX");
        assertThat(nothing.loopbackOnly()).isTrue();
        assertThat(nothing.reason()).contains("no TELEGRAM_BOT_TOKEN, no SPRING_DATASOURCE_URL");
        assertThat(nothing.warnings()).isEmpty();

        ModeBanner.Decision addressAlone = decide("server.address", "0.0.0.0");
        assertThat(addressAlone.loopbackOnly()).as("an address without the switch does not open the sandbox").isTrue();
        assertThat(addressAlone.warnings()).singleElement().asString().contains("SERVER_ADDRESS=0.0.0.0 is ignored");

        ModeBanner.Decision named = decide("server.address", "0.0.0.0", RunMode.SANDBOX_SWITCH, "true");
        assertThat(named.loopbackOnly()).isFalse();
        assertThat(named.address()).isEqualTo("0.0.0.0");
        assertThat(named.warnings()).singleElement().asString().contains("acts as any persona");

        ModeBanner.Decision token = decide(RunMode.TOKEN, "123:abc");
        assertThat(token.label()).isEqualTo("PRODUCTION");
        assertThat(token.loopbackOnly()).isFalse();
        assertThat(token.reason()).contains("long polling");

        ModeBanner.Decision databaseOnly = decide(RunMode.DATASOURCE, "jdbc:postgresql://db/x");
        assertThat(databaseOnly.label()).isEqualTo("PRODUCTION, BOT NOT CONNECTED");
        assertThat(databaseOnly.warnings()).singleElement().asString().contains("NOT connected to Telegram");

        ModeBanner.Decision forced = decide(RunMode.DATASOURCE, "jdbc:postgresql://db/x", RunMode.TOKEN, "1:a",
                RunMode.SANDBOX_SWITCH, "true");
        assertThat(forced.label()).isEqualTo("SANDBOX");
        assertThat(forced.forced()).isTrue();
        assertThat(forced.loopbackOnly()).isTrue();
        assertThat(forced.configured()).isEqualTo("TELEGRAM_BOT_TOKEN and SPRING_DATASOURCE_URL are");

        ModeBanner.Decision off = decide(RunMode.SANDBOX_SWITCH, "false");
        assertThat(off.label()).isEqualTo("PRODUCTION, BOT NOT CONNECTED");
        assertThat(off.loopbackOnly()).isFalse();

        assertThat(RunMode.telegram(env(RunMode.TOKEN, "1:a"))).isTrue();
        assertThat(RunMode.telegram(env(RunMode.TOKEN, "1:a", RunMode.SANDBOX_SWITCH, "true")))
                .as("the sandbox switched on replaces Telegram").isFalse();
    }

    @Test
    void aDatabaseWithoutATokenRunsTheAdminAppWithoutTheBot_neverTheSandbox(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            int port = port(app);
            assertThat(app.getBeansOfType(TelegramClient.class)).as("no bot, no sandbox").isEmpty();
            HttpResponse<String> root = get(port, "/");
            assertThat(root.statusCode()).isEqualTo(200);
            assertThat(root.body()).contains("not connected to Telegram").doesNotContain("sandbox.js");
            assertThat(get(port, "/sandbox/api/personas").statusCode()).isEqualTo(404);
            assertThat(get(port, "/sandbox/api/chats/100").statusCode()).isEqualTo(404);
            assertThat(get(port, "/actuator/health").body()).contains("UP");
            // production listens where it is told (everywhere by default): the loopback rule is the sandbox's alone
            nonLoopbackAddress().ifPresent(address -> assertThat(reachable(address, port)).isTrue());
        }
        assertThat(output.getOut()).contains("Mode: PRODUCTION, BOT NOT CONNECTED (SPRING_DATASOURCE_URL set, no TELEGRAM_BOT_TOKEN")
                .contains("The bot is NOT connected to Telegram");
    }

    @Test
    void theSandboxSwitchedOnByNameReplacesTelegram_withALoudWarning_onLoopbackOnly(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start("--partnerka.sandbox.enabled=true",
                "--partnerka.telegram.token=123456:forced-sandbox", "--partnerka.telegram.api-url=http://127.0.0.1:9")) {
            int port = port(app);
            assertThat(app.getBeansOfType(TelegramClient.class).values()).singleElement()
                    .extracting(client -> client.getClass().getSimpleName()).isEqualTo("SandboxTelegramClient");
            assertThat(app.containsBean("longPolling")).isFalse();
            assertThat(app.containsBean("telegramApiConfiguration")).isFalse();
            assertThat(get(port, "/sandbox/api/personas").statusCode()).isEqualTo(200);
            Optional<InetAddress> outside = nonLoopbackAddress();
            Assumptions.assumeTrue(outside.isPresent(), "this machine has no address but the loopback one");
            requireTheCheckWorks(outside.get());
            assertThat(reachable(outside.get(), port)).as("the sandbox from " + outside.get()).isFalse();
        }
        assertThat(output.getOut()).contains("THE SANDBOX IS ON (PARTNERKA_SANDBOX=true) ALTHOUGH TELEGRAM_BOT_TOKEN AND"
                + " SPRING_DATASOURCE_URL ARE CONFIGURED").contains("Mode: SANDBOX (PARTNERKA_SANDBOX=true although");
    }

    private static ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres", "--server.port=0"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(PartnerkaApplication.class).profiles("test").run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ModeBanner.Decision decide(String... keyValues) {
        return ModeBanner.Decision.of(env(keyValues));
    }

    private static MockEnvironment env(String... keyValues) {
        MockEnvironment env = new MockEnvironment();
        for (int i = 0; i < keyValues.length; i += 2) env.setProperty(keyValues[i], keyValues[i + 1]);
        return env;
    }

    /** An address of this machine other than the loopback one (IPv4 first), as another host on its network uses. */
    static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(RunModeTests::up)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress())
                .min(Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1));
    }

    private static boolean up(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    /** A TCP connection to address:port is accepted (refused: nothing listens there for that address). */
    static boolean reachable(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 3_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The check can see an exposed port at all: something listening on every address is reachable through it. */
    static void requireTheCheckWorks(InetAddress address) throws IOException {
        try (ServerSocket everywhere = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            assertThat(reachable(address, everywhere.getLocalPort())).as("a port open on all addresses, via " + address).isTrue();
        }
    }
}
