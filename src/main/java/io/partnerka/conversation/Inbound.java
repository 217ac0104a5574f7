package io.partnerka.conversation;

/**
 * One thing a person did in a private chat, free of any transport type.
 *
 * @param updateId   the transport's id of the update (Telegram's update_id), for logs and dedupe
 * @param chatId     the private chat (equal to the user id in Telegram private chats)
 * @param userId     who did it
 * @param firstName  display name, may be null
 * @param username   Telegram username without @, may be null
 * @param languageCode the client's language (IETF tag), may be null
 * @param kind       what kind of input it is
 * @param text       message text (TEXT, COMMAND), caption (DOCUMENT, PHOTO) or null
 * @param callbackData data of the pressed inline button (CALLBACK)
 * @param callbackId id to answer the callback query with (CALLBACK)
 * @param messageId  id of the message the input is (or, for CALLBACK, the message whose button was pressed)
 * @param replyToMessageId id of the message this one replies to, or null
 * @param contactPhone phone of a shared contact (CONTACT)
 * @param contactUserId user id of a shared contact, to tell one's own contact from someone else's
 * @param fileId     Telegram file id (DOCUMENT, PHOTO)
 * @param fileName   document file name (DOCUMENT)
 */
public record Inbound(long updateId, long chatId, long userId, String firstName, String username, String languageCode,
                      Kind kind, String text, String callbackData, String callbackId, Integer messageId,
                      Integer replyToMessageId, String contactPhone, Long contactUserId, String fileId, String fileName) {

    public enum Kind {
        TEXT, COMMAND, CALLBACK, CONTACT, DOCUMENT, PHOTO,
        /** a sticker, voice, video, location or anything else we do not read */
        OTHER
    }

    public static Inbound text(long chatId, String text) {
        Kind kind = text != null && text.startsWith("/") ? Kind.COMMAND : Kind.TEXT;
        return new Inbound(0, chatId, chatId, null, null, null, kind, text, null, null, null, null, null, null, null, null);
    }

    public static Inbound callback(long chatId, String data, int messageId) {
        return new Inbound(0, chatId, chatId, null, null, null, Kind.CALLBACK, null, data, "cb" + messageId, messageId,
                null, null, null, null, null);
    }

    public static Inbound contact(long chatId, String phone) {
        return new Inbound(0, chatId, chatId, null, null, null, Kind.CONTACT, null, null, null, null, null, phone, chatId,
                null, null);
    }

    public static Inbound other(long chatId) {
        return new Inbound(0, chatId, chatId, null, null, null, Kind.OTHER, null, null, null, null, null, null, null, null,
                null);
    }

    public Inbound withUser(String firstName, String username, String languageCode) {
        return new Inbound(updateId, chatId, userId, firstName, username, languageCode, kind, text, callbackData,
                callbackId, messageId, replyToMessageId, contactPhone, contactUserId, fileId, fileName);
    }

    /**
     * The command name without slash and bot suffix ("/start@bot x" -> "start"), or null. A numeric suffix is an
     * argument ("/deal_12" -> "deal"): Telegram makes "/deal_12" in a text tappable, "/deal 12" it does not.
     */
    public String command() {
        if (kind != Kind.COMMAND || text == null) return null;
        String head = head();
        java.util.regex.Matcher tappable = TAPPABLE.matcher(head);
        return tappable.matches() ? tappable.group(1) : head;
    }

    /** What follows the command ("/start ref_x" -> "ref_x", "/deal_12" -> "12"), or an empty string. */
    public String commandArgs() {
        if (kind != Kind.COMMAND || text == null) return "";
        String[] parts = text.strip().split("\\s+", 2);
        String rest = parts.length > 1 ? parts[1].strip() : "";
        java.util.regex.Matcher tappable = TAPPABLE.matcher(head());
        if (tappable.matches()) return rest.isEmpty() ? tappable.group(2) : tappable.group(2) + " " + rest;
        return rest;
    }

    private static final java.util.regex.Pattern TAPPABLE = java.util.regex.Pattern.compile("([a-z]+)_(\\d{1,18})");

    private String head() {
        String head = text.strip().split("\\s+", 2)[0].substring(1);
        int at = head.indexOf('@');
        return (at >= 0 ? head.substring(0, at) : head).toLowerCase(java.util.Locale.ROOT);
    }
}
