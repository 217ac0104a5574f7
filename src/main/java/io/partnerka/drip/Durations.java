package io.partnerka.drip;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "0", "45s", "30m", "2h", "3d", "1d12h" (or ISO-8601 "PT2H") as a duration. */
final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private Durations() {
    }

    static Duration parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty duration");
        String t = text.strip().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        if (t.equals("0")) return Duration.ZERO;
        if (t.startsWith("p") || t.startsWith("-p")) return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
        Matcher m = SIMPLE.matcher(t);
        if (!m.matches() || t.isEmpty()) throw new IllegalArgumentException("not a duration: " + text + " (use e.g. 30m, 2h, 3d, 1d12h)");
        return Duration.ofDays(n(m.group(1))).plusHours(n(m.group(2))).plusMinutes(n(m.group(3))).plusSeconds(n(m.group(4)));
    }

    static String format(Duration d) {
        if (d.isZero()) return "0";
        StringBuilder out = new StringBuilder();
        if (d.toDaysPart() > 0) out.append(d.toDaysPart()).append('d');
        if (d.toHoursPart() > 0) out.append(d.toHoursPart()).append('h');
        if (d.toMinutesPart() > 0) out.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0) out.append(d.toSecondsPart()).append('s');
        return out.toString();
    }

    private static long n(String g) {
        return g == null ? 0 : Long.parseLong(g);
    }
}
