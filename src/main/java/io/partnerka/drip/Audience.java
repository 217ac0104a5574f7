package io.partnerka.drip;

import java.util.Locale;

/** Who a broadcast goes to (approved partners only): all, one partner type, one segment, active or inactive ones. */
record Audience(Kind kind, String value) {

    enum Kind { ALL, TYPE, SEGMENT, ACTIVE, INACTIVE }

    static final Audience ALL = new Audience(Kind.ALL, null);

    String encode() {
        String k = kind.name().toLowerCase(Locale.ROOT);
        return value == null ? k : k + ":" + value;
    }

    static Audience decode(String s) {
        int colon = s.indexOf(':');
        Kind kind = Kind.valueOf((colon < 0 ? s : s.substring(0, colon)).toUpperCase(Locale.ROOT));
        return new Audience(kind, colon < 0 ? null : s.substring(colon + 1));
    }
}
