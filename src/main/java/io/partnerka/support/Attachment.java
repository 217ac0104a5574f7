package io.partnerka.support;

/**
 * A file a partner attached to a question, kept by its Telegram file id.
 *
 * @param kind     {@code PHOTO} or {@code DOCUMENT}
 * @param fileName the document's name (null for a photo)
 */
public record Attachment(String kind, String fileId, String fileName) {
}
