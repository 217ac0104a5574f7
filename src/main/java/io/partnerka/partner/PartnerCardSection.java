package io.partnerka.partner;

/** A part of the partner card managers read (training status, clients, balance), contributed by other modules. */
public interface PartnerCardSection {

    /** Telegram HTML lines about this partner in the reader's language, or null when there is nothing to say. */
    String section(PartnerView partner, String language);
}
