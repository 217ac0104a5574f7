package io.partnerka.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The people a developer plays: a partner, the manager (the id Roles treats as a manager in sandbox mode) and any
 * partner added from the page. Kept in a table, because the bot remembers them across restarts too.
 */
class SandboxPersonas {

    /** A Telegram user as the sandbox plays them; their private chat has the same id. */
    record Persona(long id, String firstName, String username, String language, String phone) {
    }

    static final long FIRST_PARTNER = 1001;
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z]{2,4})?");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ()\\-]{4,24}");

    private final JdbcClient jdbc;
    private final long managerId;
    private final List<Long> otherManagers;
    private final Map<Long, Persona> cache = new LinkedHashMap<>();
    private final Set<Long> blocked = ConcurrentHashMap.newKeySet();
    private boolean loaded;

    /** {@code otherManagers}: PARTNERKA_MANAGER_IDS, who get personas too, so their notifications can be seen. */
    SandboxPersonas(JdbcClient jdbc, long managerId, List<Long> otherManagers) {
        this.jdbc = jdbc;
        this.managerId = managerId;
        this.otherManagers = List.copyOf(otherManagers);
    }

    long managerId() {
        return managerId;
    }

    synchronized List<Persona> all() {
        load();
        List<Persona> list = new ArrayList<>(cache.values());
        // the first partner, the manager, other managers, then partners in the order they were added
        list.sort(Comparator.comparingInt((Persona p) -> p.id() == FIRST_PARTNER ? 0 : p.id() == managerId ? 1
                        : otherManagers.contains(p.id()) ? 2 : 3)
                .thenComparingLong(Persona::id));
        return list;
    }

    synchronized Optional<Persona> find(long id) {
        load();
        return Optional.ofNullable(cache.get(id));
    }

    /** A new partner persona with the next free id, a username and a fake phone made from the id. */
    synchronized Persona add(String firstName, String language) {
        load();
        long id = Math.max(FIRST_PARTNER, cache.keySet().stream().mapToLong(Long::longValue).max().orElse(0)) + 1;
        if (id == managerId) id++;
        String name = cleanName(firstName);
        Persona p = new Persona(id, name, "partner_" + id, cleanLanguage(language), "+7916" + String.format("%07d", id % 10_000_000));
        insert(p);
        return p;
    }

    /** Changes what is given (null leaves a field as it is); refuses values Telegram would never send. */
    synchronized Persona update(long id, String firstName, String language, String phone) {
        Persona p = find(id).orElseThrow(() -> new IllegalArgumentException("No persona " + id));
        Persona changed = new Persona(id,
                firstName == null ? p.firstName() : cleanName(firstName),
                p.username(),
                language == null ? p.language() : cleanLanguage(language),
                phone == null ? p.phone() : cleanPhone(phone));
        jdbc.sql("UPDATE sandbox_persona SET first_name = ?, language_code = ?, phone = ? WHERE user_id = ?")
                .params(changed.firstName(), changed.language(), changed.phone(), id).update();
        cache.put(id, changed);
        return changed;
    }

    /** Whether the persona has blocked the bot (sends to them fail with 403, as on Telegram). */
    boolean blocked(long id) {
        return blocked.contains(id);
    }

    void block(long id, boolean block) {
        if (block) blocked.add(id); else blocked.remove(id);
    }

    private void load() {
        if (loaded) return;
        jdbc.sql("SELECT user_id, first_name, username, language_code, phone FROM sandbox_persona ORDER BY user_id")
                .query((rs, n) -> new Persona(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list().forEach(p -> cache.put(p.id(), p));
        if (!cache.containsKey(FIRST_PARTNER) && FIRST_PARTNER != managerId) {
            insert(new Persona(FIRST_PARTNER, "Анна", "anna_partner", "ru", "+79161234567"));
        }
        if (!cache.containsKey(managerId)) {
            insert(new Persona(managerId, "Мария", "maria_manager", "ru", "+79160000100"));
        }
        for (long id : otherManagers) {
            if (!cache.containsKey(id)) {
                insert(new Persona(id, "Менеджер " + id, "manager_" + id, "ru", "+7916" + String.format("%07d", id % 10_000_000)));
            }
        }
        loaded = true;
    }

    private void insert(Persona p) {
        jdbc.sql("INSERT INTO sandbox_persona (user_id, first_name, username, language_code, phone) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id) DO NOTHING")
                .params(p.id(), p.firstName(), p.username(), p.language(), p.phone()).update();
        cache.put(p.id(), p);
    }

    private static String cleanName(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 64) throw new IllegalArgumentException("A name of 1 to 64 characters, please");
        return n;
    }

    private static String cleanLanguage(String language) {
        String l = language == null || language.isBlank() ? "ru" : language.strip();
        if (!LANGUAGE.matcher(l).matches()) throw new IllegalArgumentException("A language code such as ru or en, please");
        return l;
    }

    private static String cleanPhone(String phone) {
        String p = phone.strip();
        if (!PHONE.matcher(p).matches()) throw new IllegalArgumentException("A phone such as +79161234567, please");
        return p;
    }
}
