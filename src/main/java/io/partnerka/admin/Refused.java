package io.partnerka.admin;

/** A back-office action that cannot be done as asked (a rule, not a bug): shown to the operator, answered 409 by the API. */
class Refused extends RuntimeException {

    /** The page's words: a key of the catalog and its arguments (the message stays for the API and the log). */
    private final String key;
    private final Object[] args;

    Refused(String message, String key, Object... args) {
        super(message);
        this.key = key;
        this.args = args;
    }

    String text(WebText t) {
        return t.text(key, args);
    }
}
