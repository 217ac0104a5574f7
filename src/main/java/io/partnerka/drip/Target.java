package io.partnerka.drip;

import java.util.Locale;

/**
 * What a drip message's one button does: run a bot command's action ({@code command: training}), start a flow by
 * name ({@code flow: apply}), press an existing inline action ({@code callback: apply}), press a main-menu button
 * ({@code menu: menu.profile}) or open a link ({@code url: https://...}). Stored with each send, so a button keeps
 * working after its chain file changed.
 */
record Target(Kind kind, String value) {

    enum Kind { COMMAND, FLOW, CALLBACK, MENU, URL }

    String encode() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + value;
    }

    static Target decode(String encoded) {
        int colon = encoded.indexOf(':');
        return new Target(Kind.valueOf(encoded.substring(0, colon).toUpperCase(Locale.ROOT)), encoded.substring(colon + 1));
    }
}
