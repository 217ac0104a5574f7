package io.partnerka.conversation;

import java.util.List;

/**
 * What the bot says, free of any transport type. Texts are Telegram HTML (user values already escaped).
 * Replies are never sent directly: they are written to the outbox in the transaction that caused them.
 */
public sealed interface Reply {

    /**
     * A message, or an edit of an earlier one when {@code editMessageId} is set.
     *
     * @param buttons  inline keyboard rows, may be empty
     * @param keyboard reply keyboard rows (texts), null to leave the current one, empty to remove it
     * @param requestContact when set, the reply keyboard gets a first row with a contact-sharing button of this text
     */
    record Text(String text, List<List<Button>> buttons, List<List<String>> keyboard, String requestContact,
                Integer editMessageId) implements Reply {

        public Text {
            buttons = buttons == null ? List.of() : List.copyOf(buttons);
        }

        public static Text of(String text) {
            return new Text(text, List.of(), null, null, null);
        }

        public Text withButtons(List<List<Button>> rows) {
            return new Text(text, rows, keyboard, requestContact, editMessageId);
        }

        public Text withKeyboard(List<List<String>> rows) {
            return new Text(text, buttons, rows, requestContact, editMessageId);
        }

        public Text withContactRequest(String buttonText) {
            return new Text(text, buttons, keyboard, buttonText, editMessageId);
        }

        public Text asEditOf(int messageId) {
            return new Text(text, buttons, keyboard, requestContact, messageId);
        }
    }

    /**
     * A file. Either its content travels inside the outbox row (never lost between commit and send, dropped once
     * delivered), or, for a document its feature keeps anyway (an invoice lives with its payout), only a reference
     * does: {@code store} names a {@link DocumentStore} and {@code key} the document in it, read when sending.
     */
    record Document(String fileName, byte[] content, String caption, String store, String key) implements Reply {

        public Document(String fileName, byte[] content, String caption) {
            this(fileName, content, caption, null, null);
        }

        /** A document sent by reference: stored once by its feature, not copied into the outbox. */
        public static Document stored(String store, String key, String fileName, String caption) {
            return new Document(fileName, null, caption, store, key);
        }

        public boolean byReference() {
            return store != null;
        }

        public Document withContent(byte[] bytes) {
            return new Document(fileName, bytes, caption, store, key);
        }
    }

    /** A picture made by the bot (a QR code), shown in the chat as an image, not as a file; the caption is HTML. */
    record Photo(String fileName, byte[] content, String caption) implements Reply {
    }

    /** A file Telegram already has (a partner's photo or document passed on to a manager), sent by its file id. */
    record File(String fileId, String kind, String caption) implements Reply {
    }

    /** The answer to a pressed inline button (stops the client's spinner; a toast or an alert when text is set). */
    record CallbackAnswer(String callbackId, String text, boolean alert) implements Reply {
    }
}
