package io.partnerka.admin;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The people who log in at /admin: from {@code partnerka.admin.users}; with none configured, one {@code admin} whose
 * password is generated on the first start, printed to the log once (only its bcrypt hash is stored), and reused on
 * later starts. Also knows everyone's actor id for the audit log.
 */
@Component
class AdminAccounts implements UserDetailsService, SmartInitializingSingleton {

    static final String GENERATED_ADMIN = "admin";
    private static final Logger log = LoggerFactory.getLogger(AdminAccounts.class);

    private final AdminProperties properties;
    private final JdbcClient jdbc;
    private final Map<String, AdminProperties.User> users = new LinkedHashMap<>();
    private final Map<String, Long> actorIds = new ConcurrentHashMap<>();

    AdminAccounts(AdminProperties properties, JdbcClient jdbc) {
        this.properties = properties;
        this.jdbc = jdbc;
        for (AdminProperties.User u : properties.users()) {
            if (u.username() == null || u.username().isBlank()) {
                throw new IllegalStateException("partnerka.admin.users: every user needs a username");
            }
            if (u.passwordHash() == null || !(u.passwordHash().startsWith("{bcrypt}") || u.passwordHash().matches("\\$2[aby]?\\$.*"))) {
                throw new IllegalStateException("partnerka.admin.users: " + u.username()
                        + " needs a bcrypt password-hash (e.g. from `htpasswd -bnBC 12 \"\" secret | tr -d ':'`)");
            }
            if (users.put(u.username(), u) != null) {
                throw new IllegalStateException("partnerka.admin.users: " + u.username() + " is configured twice");
            }
        }
    }

    /** With no configured users: make sure the generated admin exists, and print its password if it is new. */
    @Override
    public void afterSingletonsInstantiated() {
        if (!users.isEmpty()) return;
        boolean exists = jdbc.sql("SELECT count(*) FROM admin_generated_login WHERE username = ?").param(GENERATED_ADMIN)
                .query(Integer.class).single() > 0;
        if (exists) {
            log.info("Admin web app: no partnerka.admin.users configured; the generated login '{}' of the first start "
                    + "works at /admin (configure users to replace it)", GENERATED_ADMIN);
            return;
        }
        String password = generatePassword();
        int created = jdbc.sql("INSERT INTO admin_generated_login (username, password_hash) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(GENERATED_ADMIN, "{bcrypt}" + new BCryptPasswordEncoder().encode(password)).update();
        if (created == 1) {
            // the one and only time this password is shown; only its hash is kept
            log.warn("""

                    ================================================================
                     Admin web app: no partnerka.admin.users configured.
                     Log in at /admin as '{}' with the generated password: {}
                     It is shown only this once. Configure users to replace it.
                    ================================================================""", GENERATED_ADMIN, password);
        }
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        AdminProperties.User u = users.get(username);
        if (u != null) {
            String hash = u.passwordHash().startsWith("{") ? u.passwordHash() : "{bcrypt}" + u.passwordHash();
            return new User(u.username(), hash, authorities(u.role()));
        }
        if (users.isEmpty() && GENERATED_ADMIN.equals(username)) {
            Optional<String> hash = jdbc.sql("SELECT password_hash FROM admin_generated_login WHERE username = ?")
                    .param(username).query(String.class).optional();
            if (hash.isPresent()) return new User(username, hash.get(), authorities(AdminProperties.Role.ADMIN));
        }
        throw new UsernameNotFoundException("unknown");
    }

    /** The operator a logged-in username stands for. */
    Operator operator(String username) {
        AdminProperties.User u = users.get(username);
        if (u != null) {
            String name = u.name() == null || u.name().isBlank() ? u.username() : u.name();
            return new Operator(u.username(), name, u.role(), u.telegramId() != null ? u.telegramId() : actorId(username),
                    u.telegramId(), languageOf(u));
        }
        return new Operator(username, username, AdminProperties.Role.ADMIN, actorId(username), null, properties.language());
    }

    /**
     * A person's page language: their configured one, else the one they chose in the bot with /language (not the one
     * Telegram guessed from their app: that may differ from what they read at work), else the program's admin language.
     */
    private String languageOf(AdminProperties.User u) {
        if (u.language() != null && !u.language().isBlank()) return u.language().strip().toLowerCase(java.util.Locale.ROOT);
        if (u.telegramId() != null) {
            Optional<String> chosen = jdbc.sql("SELECT language FROM chat WHERE chat_id = ? AND language_chosen")
                    .param(u.telegramId()).query(String.class).optional();
            if (chosen.isPresent()) return chosen.get();
        }
        return properties.language();
    }

    /** The operator an API token stands for. */
    Operator tokenOperator(AdminProperties.ApiToken token) {
        String username = "token:" + token.name();
        return new Operator(username, "API " + token.name(), token.role(),
                token.telegramId() != null ? token.telegramId() : actorId(username), token.telegramId(), properties.language());
    }

    List<AdminProperties.User> configuredUsers() {
        return List.copyOf(users.values());
    }

    /** Who an actor id of the audit log is: the configured person linked to that Telegram id, if any. */
    Optional<String> nameOfActor(long actorId) {
        return users.values().stream().filter(u -> u.telegramId() != null && u.telegramId() == actorId)
                .map(u -> u.name() == null || u.name().isBlank() ? u.username() : u.name()).findFirst();
    }

    static List<org.springframework.security.core.GrantedAuthority> authorities(AdminProperties.Role role) {
        return role == AdminProperties.Role.ADMIN ? AuthorityUtils.createAuthorityList("ROLE_ADMIN", "ROLE_MANAGER")
                : AuthorityUtils.createAuthorityList("ROLE_MANAGER");
    }

    private long actorId(String username) {
        return actorIds.computeIfAbsent(username, u -> {
            jdbc.sql("INSERT INTO admin_identity (username, actor_id) VALUES (?, -nextval('admin_actor_id')) ON CONFLICT DO NOTHING")
                    .param(u).update();
            return jdbc.sql("SELECT actor_id FROM admin_identity WHERE username = ?").param(u).query(Long.class).single();
        });
    }

    private static String generatePassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return sb.toString();
    }
}
