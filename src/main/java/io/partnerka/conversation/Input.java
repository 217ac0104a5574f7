package io.partnerka.conversation;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a step accepts, how it is asked for (buttons, the contact keyboard) and how an answer is checked. An invalid
 * answer produces a reason key; the step stays where it was.
 */
public abstract class Input {

    static final String SKIP = "~skip";
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}$");
    private static final Pattern HAS_LETTER_OR_DIGIT = Pattern.compile("[\\p{L}\\p{N}]");

    private boolean optional;

    /** Free text of {@code min}..{@code max} characters with at least one letter or digit. */
    public static Input text(int min, int max) {
        return new TextInput(min, max);
    }

    /** The writer's own phone number, typed or shared with Telegram's contact button; stored as E.164. */
    public static Input phone(String defaultRegion) {
        return new PhoneInput(defaultRegion, true, null);
    }

    /**
     * Someone else's phone number (a client's), typed or attached as their contact card (📎 → Contact); stored as
     * E.164. No "share my number" button is offered, and a card of the writer's own account is refused
     * ({@code validation.own-contact}). {@code check} may refuse a valid number with a message key (or return null).
     */
    public static Input otherPersonsPhone(String defaultRegion, java.util.function.BiFunction<ChatContext, String, String> check) {
        return new PhoneInput(defaultRegion, false, check);
    }

    /** An e-mail address, stored lower-cased. */
    public static Input email() {
        return new TextInput(3, 254) {
            @Override
            Parsed parseText(String text) {
                String e = text.strip();
                return EMAIL.matcher(e).matches() ? Parsed.ok(e.toLowerCase(java.util.Locale.ROOT)) : Parsed.error("validation.email");
            }
        };
    }

    /** A positive amount with at most two decimals, up to {@code max}; it reads "200,000.00" (per language). */
    public static Input amount(BigDecimal max) {
        return amount(max, null);
    }

    /** An amount in a known currency: it reads "200,000.00 ₽" / "200 000,00 ₽" on the confirm screen. */
    public static Input amount(BigDecimal max, String currency) {
        return new TextInput(1, 32) {
            @Override
            String display(ChatContext ctx, String value) {
                return Formats.money(new BigDecimal(value), currency, ctx.language());
            }

            @Override
            Parsed parseText(String text) {
                try {
                    BigDecimal v = new BigDecimal(text.strip().replace(" ", "").replace("\u00a0", "").replace(',', '.'));
                    if (v.signum() <= 0 || v.compareTo(max) > 0 || v.scale() > 2) {
                        return Parsed.error("validation.amount-range", Map.of("max", max));
                    }
                    return Parsed.ok(v.toPlainString());
                } catch (NumberFormatException e) {
                    return Parsed.error("validation.amount");
                }
            }
        };
    }

    /**
     * Text checked by a feature's own rule (a card number's Luhn digit, a tax id's checksum). {@code check} returns
     * the value to store (normalised, or even encrypted) or null to refuse with {@code errorKey}; {@code display}
     * renders a stored value on the confirm screen (e.g. masked, so a card number is never echoed in full).
     */
    public static Input checked(int min, int max, String errorKey, Function<String, String> check,
                                Function<String, String> display) {
        return new TextInput(min, max) {
            @Override
            Parsed parseText(String text) {
                String value = check.apply(text);
                return value == null ? Parsed.error(errorKey) : Parsed.ok(value);
            }

            @Override
            String display(ChatContext ctx, String value) {
                return display.apply(value);
            }
        };
    }

    /**
     * A message to pass on: text, or a photo or document with an optional caption. The field gets the text (or the
     * caption, or ""), and {@code <field>Kind} (text, photo, document), {@code <field>FileId}, {@code <field>FileName}.
     */
    public static Input message(int max) {
        return new Input() {
            @Override
            Parsed parse(ChatContext ctx, Inbound in) {
                return switch (in.kind()) {
                    case TEXT -> in.text().strip().length() > max ? Parsed.error("validation.too-long", Map.of("max", max))
                            : in.text().isBlank() ? Parsed.error("validation.too-short", Map.of("min", 1))
                            : Parsed.ok(in.text().strip(), Map.of("Kind", "text"));
                    case PHOTO, DOCUMENT -> {
                        String caption = in.text() == null ? "" : in.text().strip();
                        if (caption.length() > max) yield Parsed.error("validation.too-long", Map.of("max", max));
                        Map<String, String> extra = new java.util.HashMap<>();
                        extra.put("Kind", in.kind() == Inbound.Kind.PHOTO ? "photo" : "document");
                        extra.put("FileId", in.fileId());
                        if (in.fileName() != null) extra.put("FileName", in.fileName());
                        yield Parsed.ok(caption, extra);
                    }
                    default -> Parsed.error("validation.not-message");
                };
            }
        };
    }

    /** One of the options, chosen with an inline button (or by typing its label). */
    public static Input choice(List<Option> options) {
        return new ChoiceInput(ctx -> options);
    }

    /** One of options computed when asked (e.g. from a content file, in the person's language). */
    public static Input choice(Function<ChatContext, List<Option>> options) {
        return new ChoiceInput(options);
    }

    /** Makes the step skippable with a Skip button; a skipped answer is stored as null. */
    public Input optional() {
        this.optional = true;
        return this;
    }

    boolean isOptional() {
        return optional;
    }

    /** Checks an answer; the value stored in the draft is a string. */
    abstract Parsed parse(ChatContext ctx, Inbound in);

    /** Inline buttons of the prompt (without Skip, which the engine adds). */
    List<List<Button>> buttons(ChatContext ctx, Function<String, String> callback) {
        return List.of();
    }

    /** Whether the prompt carries the contact-sharing reply keyboard. */
    boolean wantsContact() {
        return false;
    }

    /** How a stored value reads on the confirm screen. */
    String display(ChatContext ctx, String value) {
        return value;
    }

    /** A choice: {@code value} is stored, {@code label} is a message key (or, when {@code literal}, the text itself). */
    public record Option(String value, String label, boolean literal) {

        public static Option of(String value, String labelKey) {
            return new Option(value, labelKey, false);
        }

        public static Option literal(String value, String text) {
            return new Option(value, text, true);
        }

        String text(ChatContext ctx) {
            return literal ? label : ctx.text(label);
        }
    }

    /** An answer: its value (and further values stored as {@code <field><suffix>}), or why it was refused. */
    record Parsed(String value, Map<String, String> extra, String errorKey, Map<String, ?> errorArgs) {
        static Parsed ok(String value) {
            return new Parsed(value, Map.of(), null, Map.of());
        }

        static Parsed ok(String value, Map<String, String> extra) {
            return new Parsed(value, extra, null, Map.of());
        }

        static Parsed error(String key) {
            return new Parsed(null, Map.of(), key, Map.of());
        }

        static Parsed error(String key, Map<String, ?> args) {
            return new Parsed(null, Map.of(), key, args);
        }

        boolean isOk() {
            return errorKey == null;
        }
    }

    static class TextInput extends Input {
        private final int min;
        private final int max;

        TextInput(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        Parsed parse(ChatContext ctx, Inbound in) {
            if (in.kind() != Inbound.Kind.TEXT || in.text() == null) {
                return Parsed.error("validation.not-text");
            }
            String text = in.text().strip();
            if (text.length() > max) return Parsed.error("validation.too-long", Map.of("max", max));
            if (text.length() < min) return Parsed.error("validation.too-short", Map.of("min", min));
            if (!HAS_LETTER_OR_DIGIT.matcher(text).find()) return Parsed.error("validation.no-letters");
            return parseText(text);
        }

        Parsed parseText(String text) {
            return Parsed.ok(text);
        }
    }

    static class PhoneInput extends Input {
        private final String region;
        private final boolean own;
        private final java.util.function.BiFunction<ChatContext, String, String> check;

        PhoneInput(String region, boolean own, java.util.function.BiFunction<ChatContext, String, String> check) {
            this.region = region;
            this.own = own;
            this.check = check;
        }

        @Override
        Parsed parse(ChatContext ctx, Inbound in) {
            String raw;
            String invalid = own ? "validation.phone" : "validation.other-phone";
            if (in.kind() == Inbound.Kind.CONTACT) {
                // someone else's number is asked for: the writer's own card is almost surely a slip of the finger
                if (!own && in.contactUserId() != null && in.contactUserId() == ctx.userId()) {
                    return Parsed.error("validation.own-contact");
                }
                raw = in.contactPhone();
                if (raw != null && !raw.startsWith("+")) raw = "+" + raw;
            } else if (in.kind() == Inbound.Kind.TEXT) {
                raw = in.text();
            } else {
                // a sticker, photo or voice: the same hint as every text step, not "that is not a phone number"
                return Parsed.error("validation.not-text");
            }
            String e164 = normalizePhone(raw, region);
            if (e164 == null) return Parsed.error(invalid);
            String refusal = check == null ? null : check.apply(ctx, e164);
            return refusal == null ? Parsed.ok(e164) : Parsed.error(refusal);
        }

        @Override
        boolean wantsContact() {
            return own;
        }

        @Override
        String display(ChatContext ctx, String value) {
            return value;
        }
    }

    /** E.164 form of a valid phone number, or null. */
    public static String normalizePhone(String raw, String defaultRegion) {
        if (raw == null || raw.length() > 40) return null;
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        try {
            PhoneNumber number = util.parse(raw.strip(), defaultRegion);
            return util.isValidNumber(number) ? util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** A phone for logs and screens that must not show it whole: +7916*****67. */
    public static String maskPhone(String e164) {
        if (e164 == null || e164.length() < 7) return "***";
        return e164.substring(0, 5) + "*".repeat(e164.length() - 7) + e164.substring(e164.length() - 2);
    }

    static class ChoiceInput extends Input {
        private final Function<ChatContext, List<Option>> options;

        ChoiceInput(Function<ChatContext, List<Option>> options) {
            this.options = options;
        }

        @Override
        Parsed parse(ChatContext ctx, Inbound in) {
            List<Option> all = options.apply(ctx);
            if (in.kind() == Inbound.Kind.CALLBACK) {
                String value = in.callbackData();
                return all.stream().anyMatch(o -> o.value().equals(value)) ? Parsed.ok(value) : Parsed.error("validation.choice");
            }
            if (in.kind() == Inbound.Kind.TEXT && in.text() != null) {
                String typed = in.text().strip();
                for (Option o : all) {
                    if (o.text(ctx).equalsIgnoreCase(typed)) return Parsed.ok(o.value());
                }
            }
            return Parsed.error("validation.choice");
        }

        @Override
        List<List<Button>> buttons(ChatContext ctx, Function<String, String> callback) {
            List<List<Button>> rows = new ArrayList<>();
            for (Option o : options.apply(ctx)) {
                rows.add(List.of(new Button(o.text(ctx), callback.apply(o.value()), null)));
            }
            return rows;
        }

        @Override
        String display(ChatContext ctx, String value) {
            return options.apply(ctx).stream().filter(o -> o.value().equals(value)).findFirst()
                    .map(o -> o.text(ctx)).orElse(value);
        }
    }
}
