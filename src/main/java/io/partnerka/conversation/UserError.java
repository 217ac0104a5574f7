package io.partnerka.conversation;

import java.util.Map;

/**
 * Something the person asked for that cannot be done (a rule, not a bug). Thrown by a feature service; the engine
 * rolls the whole update back, so nothing is half-done, and tells the person {@code key} in their language.
 */
public class UserError extends RuntimeException {

    private final String key;
    private final Map<String, ?> args;

    public UserError(String key) {
        this(key, Map.of());
    }

    public UserError(String key, Map<String, ?> args) {
        super(key);
        this.key = key;
        this.args = args;
    }

    public String key() {
        return key;
    }

    public Map<String, ?> args() {
        return args;
    }
}
