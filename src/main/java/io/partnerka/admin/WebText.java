package io.partnerka.admin;

import io.partnerka.conversation.Messages;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The words of the admin pages in the reader's language ({@code ${t.text('web.nav.deals')}} in a template), from the
 * bot's own message catalog: page texts under {@code web.*} in {@code messages/<lang>/admin-web.yml}, and labels for
 * the codes the data holds — a deal status reads as the bot says it, a product by its catalog title, an audit action
 * as words — so a page never shows {@code in_progress} or {@code approval.approved}. Texts are plain: the page
 * escapes them ({@code th:text}). (Not a method named {@code t}: Thymeleaf takes {@code t.t(} in attributes such as
 * {@code th:aria-label} for a static class access {@code T(} and refuses it.)
 */
public final class WebText {

    private final Messages messages;
    private final String lang;
    private final BiFunction<String, String, String> products;

    WebText(Messages messages, String lang, BiFunction<String, String, String> products) {
        this.messages = messages;
        this.lang = lang;
        this.products = products;
    }

    public String lang() {
        return lang;
    }

    /** A text of the catalog. */
    public String text(String key) {
        return messages.text(lang, key);
    }

    /** A text with named arguments: {@code text('web.x', 'n', 3)}; values are put in as they are (the page escapes). */
    public String text(String key, Object... pairs) {
        Map<String, Object> args = new HashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            args.put(String.valueOf(pairs[i]), new Messages.Trusted(pairs[i + 1] == null ? "—" : String.valueOf(pairs[i + 1])));
        }
        return messages.text(lang, key, args);
    }

    /** A count with its noun in the right plural form: {@code count('web.plural.entries', 1)} is "1 entry". */
    public String count(String key, long n) {
        return text(key + "." + plural(n), "n", n);
    }

    /** The CLDR plural category of a count in this language (Russian: one, few, many; English: one, other). */
    String plural(long n) {
        long abs = Math.abs(n);
        if ("ru".equals(lang)) {
            if (abs % 10 == 1 && abs % 100 != 11) return "one";
            if (abs % 10 >= 2 && abs % 10 <= 4 && (abs % 100 < 12 || abs % 100 > 14)) return "few";
            return "many";
        }
        return abs == 1 ? "one" : "other";
    }

    /** A text if the key is in the catalog, else the value as it is (e.g. a message already in words). */
    public String maybe(String keyOrText) {
        return keyOrText != null && messages.has(lang, keyOrText) ? text(keyOrText) : keyOrText;
    }

    /** A code's label under a prefix of the catalog; an unknown code (e.g. one added later) reads as itself. */
    public String label(String prefix, Object code) {
        if (code == null) return "—";
        String key = prefix + "." + code;
        return messages.has(lang, key) ? text(key) : String.valueOf(code);
    }

    /** A deal status as the bot names it ("🔄 In progress"). */
    public String dealStatus(String code) {
        return label("deal.status", code);
    }

    /** A product by its title in the catalog ("Accounting services"). */
    public String product(String id) {
        return id == null ? "—" : products.apply(id, lang);
    }

    /** Where a partner finds clients, as the application form offered it. */
    public String source(String code) {
        return label("apply.source", code);
    }

    /** A partner's type (company, individual), as the application form offered it. */
    public String partnerType(String code) {
        return label("apply.type", code);
    }

    /** Type and segment in one: the segment only when it says something the type does not. */
    public String typeAndSegment(String type, String segment) {
        String t = partnerType(type);
        return segment == null || segment.equals(type) ? t : t + " / " + label("apply.type", segment);
    }

    public String partnerStatus(Object code) {
        return label("web.status.partner", code);
    }

    public String payoutStatus(Object code) {
        return label("web.status.payout", code);
    }

    public String approvalStatus(Object code) {
        return label("web.status.approval", code);
    }

    public String questionStatus(Object code) {
        return label("web.status.question", code);
    }

    /** What an approval item decides ("Partner application"), as the bot's card names it. */
    public String kind(String kind) {
        return label("approval.kind", kind);
    }

    /** The one number people refer to a thing by: its kind and its own id ("Partner application #2", "Deal #12"). */
    public String ref(String kind, Object id) {
        return text("web.ref", "kind", label("web.kind", kind), "id", id);
    }

    /** An audit subject ("application#2") as words ("Partner application #2"). */
    public String subject(String subject) {
        if (subject == null) return "—";
        int hash = subject.indexOf('#');
        if (hash < 0) return subject;
        return ref(subject.substring(0, hash), subject.substring(hash + 1));
    }

    /** An audit action ("approval.approved") as words ("Approved"). */
    public String action(String code) {
        return label("web.action", code);
    }

    public String channel(String code) {
        return label("web.channel", code);
    }

    /** A field of the audit's before and after ("status") as words. */
    public String field(String key) {
        return label("web.field", key);
    }

    /**
     * A value of the audit's before and after: statuses in words (a decision's status is the approval's, whatever it
     * decided), the rest as recorded.
     */
    public String value(String action, String subject, String key, String value) {
        if (value == null) return "—";
        if (!"status".equals(key) || subject == null) return value;
        if (action != null && action.startsWith("approval.")) return approvalStatus(value);
        String kind = subject.contains("#") ? subject.substring(0, subject.indexOf('#')) : subject;
        return switch (kind) {
            case "deal" -> dealStatus(value);
            case "partner" -> partnerStatus(value);
            case "payout" -> payoutStatus(value);
            case "application", "requisites" -> approvalStatus(value);
            default -> value;
        };
    }

    /** A broadcast's audience ("type:company") as the bot names it ("partners: 🏢 Company"). */
    public String audience(String encoded) {
        if (encoded == null) return "—";
        int colon = encoded.indexOf(':');
        String kind = colon < 0 ? encoded : encoded.substring(0, colon);
        String value = colon < 0 ? null : encoded.substring(colon + 1);
        return text("drip.audience." + kind, "value", value == null ? "" : partnerType(value));
    }

    public String yesNo(boolean value) {
        return text(value ? "web.yes" : "web.no");
    }

    /** "2026-01" as "Jan 2026" / "янв. 2026". */
    public String month(String yearMonth) {
        YearMonth m = YearMonth.parse(yearMonth);
        return m.getMonth().getDisplayName(TextStyle.SHORT_STANDALONE, locale()) + " " + m.getYear();
    }

    public Locale locale() {
        return Locale.forLanguageTag(lang);
    }
}
