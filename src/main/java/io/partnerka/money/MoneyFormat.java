package io.partnerka.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.Map;

/** Amounts and rates as people read them: "22 500,00 ₽" in Russian, "22,500.00 ₽" in English. */
public final class MoneyFormat {

    private static final Map<String, String> SYMBOLS = Map.of("RUB", "₽", "USD", "$", "EUR", "€", "KZT", "₸",
            "BYN", "Br", "UAH", "₴", "GBP", "£");

    private MoneyFormat() {
    }

    public static String amount(BigDecimal value, String currency, String language) {
        if (value == null) return "—";
        DecimalFormatSymbols symbols = new DecimalFormatSymbols(Locale.ROOT);
        boolean ru = "ru".equals(language);
        symbols.setGroupingSeparator(ru ? '\u00a0' : ',');
        symbols.setDecimalSeparator(ru ? ',' : '.');
        symbols.setMinusSign('−');
        DecimalFormat format = new DecimalFormat("#,##0.00", symbols);
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(value) + "\u00a0" + symbol(currency);
    }

    public static String symbol(String currency) {
        return currency == null ? "" : SYMBOLS.getOrDefault(currency, currency);
    }

    /** 15 -> "15", 12.50 -> "12.5" (or "12,5" in Russian). */
    public static String percent(BigDecimal rate, String language) {
        String plain = rate.stripTrailingZeros().toPlainString();
        return "ru".equals(language) ? plain.replace('.', ',') : plain;
    }
}
