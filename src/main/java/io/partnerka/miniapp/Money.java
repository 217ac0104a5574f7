package io.partnerka.miniapp;

import io.partnerka.conversation.Formats;
import java.math.BigDecimal;

/** An amount as the page gets it: exact digits, the currency, and the text the reader's language writes. */
record Money(String amount, String currency, String text) {

    static Money of(BigDecimal amount, String currency, String language) {
        if (amount == null || currency == null) return null;
        return new Money(amount.setScale(2, java.math.RoundingMode.UNNECESSARY).toPlainString(), currency,
                Formats.money(amount, currency, language));
    }
}
