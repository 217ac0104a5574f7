package io.partnerka.conversation;

import java.util.Optional;

/**
 * Where a feature keeps documents it sends by reference ({@link Reply.Document#stored}), so that a document with
 * personal data (an invoice) is stored once, with its feature, and not copied into the outbox. The transport reads
 * the content when it sends.
 */
public interface DocumentStore {

    /** The name outbox rows refer to, e.g. {@code invoice}. */
    String name();

    /** The document's content, or empty when it no longer exists. */
    Optional<byte[]> content(String key);
}
