package io.partnerka.admin;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The back office's users and API tokens ({@code partnerka.admin.*}).
 *
 * @param users     people who log in at /admin; password hashes are bcrypt ({@code {bcrypt}$2a$...} or bare {@code $2a$...})
 * @param apiTokens clients of /api/v1; the token itself (from an environment variable) or its SHA-256 in hex
 * @param language  the language of the pages (and of the bot's texts shown on them) for users without their own
 * @param login     throttling of login attempts
 */
@ConfigurationProperties("partnerka.admin")
record AdminProperties(@DefaultValue List<User> users, @DefaultValue List<ApiToken> apiTokens,
                       @DefaultValue("en") String language, @DefaultValue Login login) {

    /**
     * @param telegramId the person's Telegram user id when they are also a manager in the bot: their decisions in
     *                   both places are then one identity in the audit log
     * @param language   the language of this person's pages (ru, en); unset: the language they chose in the bot
     *                   (/language) when linked by {@code telegramId}, else {@code partnerka.admin.language}
     */
    public record User(String username, String passwordHash, @DefaultValue("MANAGER") Role role, Long telegramId, String name,
                String language) {
    }

    public record ApiToken(String name, String token, String tokenSha256, @DefaultValue("MANAGER") Role role, Long telegramId) {
    }

    /**
     * @param perUsername attempts for one username per {@code window}
     * @param perAddress  attempts from one client address per {@code window}
     * @param trustedFor  how long an address a user logged in from stays theirs: there a locked username is not locked
     */
    public record Login(@DefaultValue("5") int perUsername, @DefaultValue("20") int perAddress,
                 @DefaultValue("5m") Duration window, @DefaultValue("30d") Duration trustedFor) {

        @ConstructorBinding
        public Login {
        }

        public Login(int perUsername, int perAddress, Duration window) {
            this(perUsername, perAddress, window, Duration.ofDays(30));
        }
    }

    enum Role { ADMIN, MANAGER }
}
