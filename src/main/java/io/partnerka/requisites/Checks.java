package io.partnerka.requisites;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The checks a payout detail must pass before a manager ever sees it (checksums catch typos, not fraud), and how a
 * number is masked wherever it is shown: the partner, the manager, the invoice and the logs see the same mask.
 */
final class Checks {

    private static final Pattern IBAN = Pattern.compile("[A-Z]{2}\\d{2}[A-Z0-9]{11,30}");
    private static final Pattern RU_ACCOUNT = Pattern.compile("\\d{20}");
    private static final Pattern RU_BIC = Pattern.compile("04\\d{7}");
    private static final Pattern SWIFT = Pattern.compile("[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?");
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}$");
    private static final int[] INN10 = {2, 4, 10, 3, 5, 9, 4, 6, 8};
    private static final int[] INN11 = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    private static final int[] INN12 = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};

    private Checks() {
    }

    private static String compact(String raw) {
        return raw == null ? "" : raw.replaceAll("[\\s\\-\u00a0]", "").toUpperCase(Locale.ROOT);
    }

    /** A card number (13-19 digits) passing the Luhn check, digits only; else null. */
    static String card(String raw) {
        String d = compact(raw);
        if (!d.matches("\\d{13,19}")) return null;
        int sum = 0;
        boolean twice = false;
        for (int i = d.length() - 1; i >= 0; i--) {
            int n = d.charAt(i) - '0';
            if (twice) {
                n *= 2;
                if (n > 9) n -= 9;
            }
            sum += n;
            twice = !twice;
        }
        return sum % 10 == 0 ? d : null;
    }

    /** An IBAN with a valid mod-97 check, or a Russian 20-digit account number; compacted; else null. */
    static String account(String raw) {
        String a = compact(raw);
        if (RU_ACCOUNT.matcher(a).matches()) return a;
        if (!IBAN.matcher(a).matches()) return null;
        String moved = a.substring(4) + a.substring(0, 4);
        StringBuilder digits = new StringBuilder();
        for (char c : moved.toCharArray()) digits.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1 ? a : null;
    }

    /** A Russian BIC (9 digits starting with 04) or a SWIFT/BIC code (8 or 11 characters); else null. */
    static String bankCode(String raw) {
        String c = compact(raw);
        return RU_BIC.matcher(c).matches() || SWIFT.matcher(c).matches() ? c : null;
    }

    /**
     * Whether a Russian account number fits its bank's BIC (the control digit covers the BIC's last three digits).
     * Anything that is not a Russian account at a Russian bank passes: there is no such rule to check.
     */
    static boolean accountFitsBank(String account, String bankCode) {
        if (account == null || bankCode == null || !RU_ACCOUNT.matcher(account).matches()
                || !RU_BIC.matcher(bankCode).matches()) {
            return true;
        }
        String tail = bankCode.substring(6);
        if (tail.equals("000") || tail.equals("001") || tail.equals("002")) return true; // settlement centres: other rule
        String digits = tail + account;
        int[] weights = {7, 1, 3};
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) sum += (digits.charAt(i) - '0') * weights[i % 3] % 10;
        return sum % 10 == 0;
    }

    /** A Russian INN: 10 digits (a company) or 12 (a person or sole trader) with valid check digits; else null. */
    static String inn(String raw) {
        String d = compact(raw);
        if (d.matches("\\d{10}")) return digit(d, INN10) == d.charAt(9) - '0' ? d : null;
        if (d.matches("\\d{12}")) {
            return digit(d, INN11) == d.charAt(10) - '0' && digit(d, INN12) == d.charAt(11) - '0' ? d : null;
        }
        return null;
    }

    private static int digit(String d, int[] weights) {
        int sum = 0;
        for (int i = 0; i < weights.length; i++) sum += (d.charAt(i) - '0') * weights[i];
        return sum % 11 % 10;
    }

    /** The e-mail of a payment service account, lower-cased; else null. */
    static String email(String raw) {
        String e = raw == null ? "" : raw.strip();
        return EMAIL.matcher(e).matches() ? e.toLowerCase(Locale.ROOT) : null;
    }

    /** How a number is shown anywhere: a card as "•••• 1111", an account as "DE89 •••• 3000", an e-mail as "i•••@mail.ru". */
    static String mask(String method, String value) {
        if (value == null || value.isEmpty()) return "—";
        if ("other".equals(method)) {
            int at = value.indexOf('@');
            return at <= 0 ? "•••" : value.charAt(0) + "•••" + value.substring(at);
        }
        String last4 = value.substring(Math.max(0, value.length() - 4));
        if ("card".equals(method)) return "•••• " + last4;
        return value.length() <= 8 ? "••••" + last4 : value.substring(0, 4) + " •••• " + last4;
    }
}
