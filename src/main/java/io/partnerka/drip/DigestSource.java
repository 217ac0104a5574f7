package io.partnerka.drip;

import java.time.LocalDate;
import java.util.List;

/**
 * Contributes lines to a manager's daily digest (one message a day, at {@code partnerka.drip.digest.at}). The deal
 * module, for instance, lists deals stuck in one status longer than N days. A source says each thing once: it
 * remembers what it already reported (e.g. once per stay in a status), because the digest itself only guarantees
 * one run per day across all instances.
 */
public interface DigestSource {

    /**
     * Lines (Telegram HTML, values escaped) for this manager's digest of {@code day}, in {@code language}; empty when
     * there is nothing to say. Runs in the digest's transaction, so what a source records as reported commits with
     * the digest message.
     */
    List<String> digestLines(long managerChatId, String language, LocalDate day);
}
