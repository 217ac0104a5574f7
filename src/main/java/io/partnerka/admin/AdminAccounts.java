package io.partnerka.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The people who log in at /admin: from {@code partnerka.admin.users}; with none configured, one {@code admin} whose
 * password is generated on the first start and written once to a file only the app's user may read
 * ({@code partnerka.admin.generated-password-file}, never to the log; only its bcrypt hash is stored). That password
 * must be replaced at the first login ({@link FirstLoginGate}); the file goes once it is. Also knows everyone's
 * actor id for the audit log.
 */
@Component
class AdminAccounts implements UserDetailsService, SmartInitializingSingleton {

    static final String GENERATED_ADMIN = "admin";
    private static final Logger log = LoggerFactory.getLogger(AdminAccounts.class);

    private final AdminProperties properties;
    private final JdbcClient jdbc;
    private final Map<String, AdminProperties.User> users = new LinkedHashMap<>();
    private final Map<String, Long> actorIds = new ConcurrentHashMap<>();
    private final Path passwordFile;

    AdminAccounts(AdminProperties properties, JdbcClient jdbc,
                  @Value("${partnerka.admin.generated-password-file:./data/admin-password}") Path passwordFile) {
        this.properties = properties;
        this.jdbc = jdbc;
        this.passwordFile = passwordFile.toAbsolutePath().normalize();
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

    /** With no configured users: make sure the generated admin exists; a new password goes to the file, never the log. */
    @Override
    public void afterSingletonsInstantiated() {
        if (!users.isEmpty()) return;
        Optional<GeneratedLogin> existing = generatedLogin(GENERATED_ADMIN);
        if (existing.isPresent()) {
            if (existing.get().mustChange()) {
                log.info("Admin web app: no partnerka.admin.users configured; log in at /admin as '{}' with the generated "
                        + "password (in {} on the machine that first started the app; earlier versions printed it to the "
                        + "log) and replace it", GENERATED_ADMIN, passwordFile);
            } else {
                forgetPasswordFile();
                log.info("Admin web app: no partnerka.admin.users configured; the login '{}' works at /admin "
                        + "(configure users to replace it)", GENERATED_ADMIN);
            }
            return;
        }
        String password = generatePassword();
        int created = jdbc.sql("INSERT INTO admin_generated_login (username, password_hash, must_change) VALUES (?, ?, TRUE) ON CONFLICT DO NOTHING")
                .params(GENERATED_ADMIN, "{bcrypt}" + new BCryptPasswordEncoder().encode(password)).update();
        if (created != 1) return; // another instance made it (and wrote its file)
        try {
            writeOwnerOnly(passwordFile, password + "\n");
        } catch (IOException | RuntimeException e) {
            // a login nobody can know is worse than none: the next start tries again
            jdbc.sql("DELETE FROM admin_generated_login WHERE username = ?").param(GENERATED_ADMIN).update();
            throw new IllegalStateException("Admin web app: cannot write the generated admin password to " + passwordFile
                    + " (" + e.getMessage() + "); make that directory writable, set PARTNERKA_DATA_DIR, or configure "
                    + "partnerka.admin.users", e);
        }
        log.warn("""

                ================================================================
                 Admin web app: no partnerka.admin.users configured.
                 Log in at /admin as '{}' with the generated password written to
                 {} (readable by this user only).
                 It must be replaced at the first login; the file is then deleted.
                ================================================================""", GENERATED_ADMIN, passwordFile);
    }

    /**
     * The generated login as it is stored (only while no users are configured).
     *
     * @param stamp a digest of the stored hash: a session made with another password than the current one is over
     */
    record GeneratedLogin(String hash, boolean mustChange, String stamp) {
    }

    Optional<GeneratedLogin> generatedLogin(String username) {
        if (!users.isEmpty() || !GENERATED_ADMIN.equals(username)) return Optional.empty();
        return jdbc.sql("SELECT password_hash, must_change FROM admin_generated_login WHERE username = ?").param(username)
                .query((rs, n) -> new GeneratedLogin(rs.getString(1), rs.getBoolean(2), stamp(rs.getString(1)))).optional();
    }

    /** Whether this user may change their password here (the generated login; configured users change theirs in the configuration). */
    boolean changesPasswordHere(String username) {
        return users.isEmpty() && GENERATED_ADMIN.equals(username);
    }

    static final int MIN_PASSWORD = 12;

    /**
     * Replaces the generated login's password (the first login must): the current one is checked, the new one must be
     * long enough and different. Returns the new session stamp.
     */
    String changePassword(String username, String current, String next, String repeated, PasswordEncoder encoder) {
        GeneratedLogin login = generatedLogin(username)
                .orElseThrow(() -> new Refused("This user's password is set in the configuration (partnerka.admin.users).", "web.password.configured-refused"));
        if (current == null || !encoder.matches(current, login.hash())) throw new Refused("The current password is wrong.", "web.password.wrong-current");
        if (next == null || next.length() < MIN_PASSWORD) {
            throw new Refused("The new password needs at least " + MIN_PASSWORD + " characters.", "web.password.too-short", "n", MIN_PASSWORD);
        }
        if (next.getBytes(StandardCharsets.UTF_8).length > 72) throw new Refused("The new password may have at most 72 bytes.", "web.password.too-long");
        if (next.equals(current)) throw new Refused("The new password must differ from the current one.", "web.password.same");
        if (!next.equals(repeated)) throw new Refused("The two new passwords differ.", "web.password.differ");
        String hash = "{bcrypt}" + new BCryptPasswordEncoder().encode(next);
        int changed = jdbc.sql("""
                        UPDATE admin_generated_login SET password_hash = ?, must_change = FALSE, changed_at = now()
                        WHERE username = ? AND password_hash = ?""")
                .params(hash, username, login.hash()).update();
        if (changed != 1) throw new Refused("The password was changed meanwhile; log in again.", "web.password.changed-meanwhile");
        forgetPasswordFile();
        log.info("Admin web app: the password of '{}' was changed", username);
        return stamp(hash);
    }

    private void forgetPasswordFile() {
        try {
            Files.deleteIfExists(passwordFile);
        } catch (IOException e) {
            log.warn("Admin web app: could not delete {} ({}); delete it by hand", passwordFile, e.getMessage());
        }
    }

    /** Written to a temporary file created 0600 (no moment with wider rights), then moved over the target. */
    static void writeOwnerOnly(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        Path tmp = posix ? Files.createTempFile(dir, ".admin-password", ".tmp", PosixFilePermissions.asFileAttribute(ownerOnly))
                : Files.createTempFile(dir, ".admin-password", ".tmp");
        try {
            if (posix) Files.setPosixFilePermissions(tmp, ownerOnly);
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String stamp(String hash) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(hash.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
