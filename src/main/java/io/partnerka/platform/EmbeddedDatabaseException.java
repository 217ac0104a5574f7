package io.partnerka.platform;

/** The embedded database cannot start, for a reason the operator can fix: what is wrong, and what to do. */
class EmbeddedDatabaseException extends IllegalStateException {

    private final String description;
    private final String action;

    EmbeddedDatabaseException(String description, String action) {
        super(description + " " + action);
        this.description = description;
        this.action = action;
    }

    String description() {
        return description;
    }

    String action() {
        return action;
    }
}
