package io.partnerka.conversation;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The one place that writes dates, times, numbers, money and quotations as the reader's language does: English
 * "4 Dec 2026, 00:02 Moscow time", "200,000.00 ₽", “Basics”; Russian "4 дек. 2026, 00:02 (МСК)", "200 000,00 ₽",
 * «Основы». Times are in the program's zone ({@code partnerka.time-zone}); the zone's name comes from the message
 * catalog ({@code format.zone-names.<zone id>}), else from the JDK's names. Every module formats through this class
 * (the bot, PDFs, audit texts, the web pages), so the same amount never reads two ways.
 */
@Component
public class Formats {

    private static final Map<String, String> SYMBOLS = Map.of("RUB", "₽", "USD", "$", "EUR", "€", "KZT", "₸",
            "BYN", "Br", "UAH", "₴", "GBP", "£");

    private final ZoneId zone;
    private final Messages messages;
    private final java.util.Map<String, DateTimeFormatter> formatters = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, String> zoneNames = new java.util.concurrent.ConcurrentHashMap<>();

    public Formats(@Value("${partnerka.time-zone:Europe/Moscow}") String zone, Messages messages) {
        this.zone = ZoneId.of(zone);
        this.messages = messages;
    }

    public ZoneId zone() {
        return zone;
    }

    /** "4 Dec 2026, 00:02 Moscow time" / "4 дек. 2026, 00:02 (МСК)"; "—" for none. */
    public String dateTime(Instant at, String language) {
        if (at == null) return "—";
        return formatter("d MMM yyyy, HH:mm", language).format(at) + " " + zoneName(language);
    }

    /** "4 Dec 2026, 00:02" / "4 дек. 2026, 00:02": a line of a list, whose heading names the zone once. */
    public String shortDateTime(Instant at, String language) {
        if (at == null) return "—";
        return formatter("d MMM yyyy, HH:mm", language).format(at);
    }

    /** "4 Dec 2026" / "4 дек. 2026". */
    public String date(Instant at, String language) {
        return at == null ? "—" : date(at.atZone(zone).toLocalDate(), language);
    }

    public String date(LocalDate day, String language) {
        return day == null ? "—" : formatter("d MMM yyyy", language).format(day);
    }

    /** "4 Dec" / "4 дек.". */
    public String dayMonth(Instant at, String language) {
        return at == null ? "—" : formatter("d MMM", language).format(at);
    }

    /** The program's zone as the reader says it: "Moscow time" / "(МСК)". */
    public String zoneName(String language) {
        String key = "format.zone-names." + zone.getId();
        if (messages.has(language, key)) return messages.text(language, key);
        return zoneNames.computeIfAbsent(language == null ? "" : language, l -> {
            String jdk = DateTimeFormatter.ofPattern("vvvv", locale(l)).format(java.time.ZonedDateTime.now(zone));
            return "ru".equals(l) ? "(" + jdk + ")" : jdk;
        });
    }

    /** A pattern's formatter in the program's zone for a language, made once (they are immutable; making one parses the pattern). */
    private DateTimeFormatter formatter(String pattern, String language) {
        return formatters.computeIfAbsent(pattern + "|" + language,
                k -> DateTimeFormatter.ofPattern(pattern, locale(language)).withZone(zone));
    }

    /** "22 500,00 ₽" in Russian, "22,500.00 ₽" in English; "—" for none. */
    public static String money(BigDecimal value, String currency, String language) {
        if (value == null) return "—";
        DecimalFormat format = new DecimalFormat("#,##0.00", symbols(language));
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(value) + (currency == null || currency.isBlank() ? "" : "\u00a0" + currencySymbol(currency));
    }

    /** "₽" for RUB; an unknown code stays as it is. */
    public static String currencySymbol(String currency) {
        return currency == null ? "" : SYMBOLS.getOrDefault(currency, currency);
    }

    /** 15 -> "15", 12.50 -> "12.5" (or "12,5" in Russian). */
    public static String percent(BigDecimal rate, String language) {
        if (rate == null) return "—";
        DecimalFormat format = new DecimalFormat("#,##0.##", symbols(language));
        return format.format(rate);
    }

    /** 12345 -> "12,345" / "12 345". */
    public static String number(long value, String language) {
        return new DecimalFormat("#,##0", symbols(language)).format(value);
    }

    /** A title in the reader's quotation marks: “Basics” / «Основы». */
    public static String quote(String text, String language) {
        return "ru".equals(language) ? "«" + text + "»" : "“" + text + "”";
    }

    public static Locale locale(String language) {
        return Locale.forLanguageTag(language == null || language.isBlank() ? "ru" : language);
    }

    private static DecimalFormatSymbols symbols(String language) {
        DecimalFormatSymbols symbols = new DecimalFormatSymbols(Locale.ROOT);
        boolean ru = "ru".equals(language);
        symbols.setGroupingSeparator(ru ? '\u00a0' : ',');
        symbols.setDecimalSeparator(ru ? ',' : '.');
        symbols.setMinusSign('−');
        return symbols;
    }
}
