package io.partnerka.telegram;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Who the bot is, as Telegram's getMe answered at start (in sandbox mode: the sandbox's answer). Until that answer
 * arrives, {@code partnerka.telegram.bot-username} if set, else a placeholder.
 */
@Component
public class BotIdentity {

    /** What Telegram accepts as a /start payload: at most 64 of A-Z a-z 0-9 _ - */
    private static final Pattern START_PAYLOAD = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private volatile String username;
    private volatile Long id;
    private volatile boolean confirmed;

    BotIdentity(TelegramProperties properties) {
        String configured = properties.botUsername();
        this.username = configured == null || configured.isBlank() ? "partnerka_bot" : configured.strip().replaceFirst("^@", "");
    }

    /** The bot's username without '@'. */
    public String username() {
        return username;
    }

    /** The bot's Telegram user id, or null before getMe answered. */
    public Long id() {
        return id;
    }

    /** Whether getMe has answered (the username is the real one). */
    public boolean confirmed() {
        return confirmed;
    }

    /** {@code https://t.me/<username>?start=<payload>}; the payload must be 1-64 of A-Z a-z 0-9 _ -. */
    public String deepLink(String startPayload) {
        if (startPayload == null || !START_PAYLOAD.matcher(startPayload).matches()) {
            throw new IllegalArgumentException("A start payload is 1-64 characters of A-Z a-z 0-9 _ -");
        }
        return "https://t.me/" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "?start=" + startPayload;
    }

    /** {@code https://t.me/<username>}. */
    public String link() {
        return "https://t.me/" + URLEncoder.encode(username, StandardCharsets.UTF_8);
    }

    void confirm(long id, String username) {
        this.id = id;
        if (username != null && !username.isBlank()) this.username = username;
        this.confirmed = true;
    }
}
