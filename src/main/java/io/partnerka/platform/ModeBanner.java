package io.partnerka.platform;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertyResolver;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Where the HTTP server listens, and the banner that says which mode runs and why. The sandbox (an unauthenticated
 * console where anyone acts as any persona, managers included) listens on the loopback address only, unless the
 * operator names an address with {@code SERVER_ADDRESS} <em>and</em> switches the sandbox on by name
 * ({@code PARTNERKA_SANDBOX=true}). Decided when the web server is made, so every property source counts (test
 * properties included), with the same {@link RunMode} the sandbox and Telegram beans are conditioned on.
 */
@Component
class ModeBanner implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered,
        ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(ModeBanner.class);
    static final String ADDRESS = "server.address";
    static final String LOOPBACK = "127.0.0.1";
    static final String EVERYWHERE = "all addresses";

    private final Environment env;

    ModeBanner(Environment env) {
        this.env = env;
    }

    /** After Spring Boot's own customizer (which applies server.address), so the sandbox's loopback wins. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void customize(ConfigurableWebServerFactory factory) {
        Decision decision = Decision.of(env);
        if (decision.loopbackOnly()) factory.setAddress(loopback());
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if ("management".equals(event.getApplicationContext().getServerNamespace())) return;
        Decision decision = Decision.of(env);
        for (String warning : decision.warnings()) log.warn(warning);
        int port = event.getWebServer().getPort();
        log.info("Mode: {} ({}) — listening on {}", decision.label(), decision.reason(),
                decision.address().equals(EVERYWHERE) ? EVERYWHERE + ", port " + port
                        : decision.address() + ":" + port + (decision.loopbackOnly() ? " only" : ""));
        if (decision.forced()) loud(decision);
    }

    /** The sandbox in place of a configured bot or database: impossible to miss in the log. */
    private static void loud(Decision decision) {
        String line = "*".repeat(100);
        log.warn(line);
        log.warn("*  THE SANDBOX IS ON (PARTNERKA_SANDBOX=true) ALTHOUGH {} CONFIGURED.",
                decision.configured().toUpperCase(java.util.Locale.ROOT));
        log.warn("*  The bot does NOT talk to Telegram, and anyone who reaches {} acts as any persona, managers included.",
                decision.address());
        log.warn("*  Never run it like this where others can reach it. Unset PARTNERKA_SANDBOX to run the real bot.");
        log.warn(line);
    }

    /** 127.0.0.1, never "localhost" (which may name ::1 or be mapped elsewhere). */
    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(LOOPBACK, new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The mode of this start, in words.
     *
     * @param label        SANDBOX, PRODUCTION, or PRODUCTION without a bot
     * @param reason       the settings that made it so
     * @param loopbackOnly the HTTP server is held to 127.0.0.1
     * @param address      where the HTTP server listens
     * @param forced       the sandbox is on although a token or a datasource is configured
     * @param configured   what is configured, with its verb ("TELEGRAM_BOT_TOKEN is")
     * @param warnings     lines to log at WARN before the banner
     */
    record Decision(String label, String reason, boolean loopbackOnly, String address, boolean forced,
                    String configured, List<String> warnings) {

        static Decision of(PropertyResolver env) {
            boolean token = RunMode.hasToken(env);
            boolean datasource = StringUtils.hasText(env.getProperty(RunMode.DATASOURCE));
            boolean switchedOn = RunMode.sandboxSwitchedOn(env);
            String address = env.getProperty(ADDRESS);
            boolean addressSet = StringUtils.hasText(address);
            List<String> warnings = new ArrayList<>();
            String configured = token && datasource ? "TELEGRAM_BOT_TOKEN and SPRING_DATASOURCE_URL are"
                    : token ? "TELEGRAM_BOT_TOKEN is" : "SPRING_DATASOURCE_URL is";
            String database = datasource ? "database SPRING_DATASOURCE_URL"
                    : env.getProperty("partnerka.embedded-db.durable", Boolean.class, true) ? "embedded PostgreSQL, durable"
                    : "embedded PostgreSQL, NOT durable (partnerka.embedded-db.durable=false)";

            if (RunMode.sandbox(env)) {
                boolean forced = RunMode.production(env);
                String reason = forced ? "PARTNERKA_SANDBOX=true although " + configured + " set"
                        : switchedOn ? "PARTNERKA_SANDBOX=true, no TELEGRAM_BOT_TOKEN, no SPRING_DATASOURCE_URL"
                        : "no TELEGRAM_BOT_TOKEN, no SPRING_DATASOURCE_URL";
                reason += "; " + database;
                if (switchedOn && addressSet) {
                    warnings.add("The sandbox listens on SERVER_ADDRESS=" + address + " (PARTNERKA_SANDBOX=true): it has"
                            + " no login, and anyone who reaches it acts as any persona, managers included");
                    return new Decision("SANDBOX", reason, false, address, forced, configured, warnings);
                }
                if (addressSet) {
                    warnings.add("SERVER_ADDRESS=" + address + " is ignored: the sandbox listens on " + LOOPBACK
                            + " only unless PARTNERKA_SANDBOX=true is set as well");
                }
                return new Decision("SANDBOX", reason, true, LOOPBACK, forced, configured, warnings);
            }
            String where = addressSet ? address : EVERYWHERE;
            if (token) {
                String transport = StringUtils.hasText(env.getProperty("partnerka.telegram.webhook-url"))
                        ? "webhook" : "long polling";
                return new Decision("PRODUCTION", "TELEGRAM_BOT_TOKEN set, " + transport + "; " + database, false,
                        where, false, configured, warnings);
            }
            warnings.add("The bot is NOT connected to Telegram: TELEGRAM_BOT_TOKEN is not set. The admin web app and"
                    + " the status page run, no update arrives and no message is sent (they wait in the outbox). Set TELEGRAM_BOT_TOKEN to connect the bot.");
            String reason = (datasource ? "SPRING_DATASOURCE_URL set" : "PARTNERKA_SANDBOX=false")
                    + ", no TELEGRAM_BOT_TOKEN; " + database;
            return new Decision("PRODUCTION, BOT NOT CONNECTED", reason, false, where, false, configured, warnings);
        }
    }
}
