package io.partnerka.conversation;

import io.partnerka.platform.RunMode;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Where the Mini App lives ({@code <partnerka.public-url>/app}) and whether a message or the menu may point at it:
 * Telegram opens Mini Apps only over HTTPS, so with a plain-http public URL there are no Mini App buttons — except
 * in the sandbox, which plays Telegram itself and opens the page from its own origin.
 */
@Component
public class MiniAppLinks {

    /** The views a link may open directly (the page's tabs). */
    public static final java.util.Set<String> VIEWS =
            java.util.Set.of("home", "clients", "payouts", "learn", "invite", "queue", "deals");

    private final String base;
    private final boolean https;
    private final boolean sandbox;

    MiniAppLinks(@Value("${partnerka.public-url:http://localhost:8080}") String publicUrl, Environment env) {
        String url = publicUrl == null ? "" : publicUrl.strip();
        while (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        this.base = url + "/app";
        this.https = isHttps(url);
        this.sandbox = RunMode.sandbox(env);
    }

    static boolean isHttps(String url) {
        try {
            URI uri = URI.create(url);
            return "https".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT))
                    && uri.getHost() != null && !uri.getHost().isBlank();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The public URL is https: Telegram will open the Mini App from the menu button and from messages. */
    public boolean https() {
        return https;
    }

    /** Mini App buttons may be sent: https, or the sandbox (which opens them itself). */
    public boolean available() {
        return https || sandbox;
    }

    /** The page's address, {@code <public-url>/app}. */
    public String url() {
        return base;
    }

    /** The page opening at a view; empty when no Mini App button may be sent. */
    public Optional<String> url(String view) {
        if (!available()) return Optional.empty();
        if (view == null || !VIEWS.contains(view)) return Optional.of(base);
        return Optional.of(base + "?view=" + view);
    }

    /** A {@code web_app} button opening the view; empty when Telegram would not open it. */
    public Optional<Button> button(String text, String view) {
        return url(view).map(u -> Button.webApp(text, u));
    }
}
