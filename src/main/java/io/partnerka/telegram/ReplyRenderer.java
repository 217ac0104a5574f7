package io.partnerka.telegram;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.Reply;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboard;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardRemove;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardRow;
import org.telegram.telegrambots.meta.api.objects.webapp.WebAppInfo;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/** A {@link Reply} as Bot API calls. Texts are Telegram HTML. */
final class ReplyRenderer {

    /** Text of the second message when a reply needs both keyboards (Telegram takes one per message). */
    static final String BUTTONS_BELOW = "👇";

    private ReplyRenderer() {
    }

    /** Whether a failure of this reply may be shrugged off: it only decorates what the person already has. */
    static boolean optional(Reply reply) {
        return reply instanceof Reply.CallbackAnswer || reply instanceof Reply.Text t && t.editMessageId() != null;
    }

    /** Whether this reply is a message that counts against Telegram's sending limits. */
    static boolean counted(Reply reply) {
        return !(reply instanceof Reply.CallbackAnswer);
    }

    /** Sends the reply; returns the Telegram message id the chat now shows for it (null for a callback answer). */
    static Integer send(TelegramClient client, long chatId, Reply reply) throws TelegramApiException {
        if (reply instanceof Reply.Text text) {
            if (text.editMessageId() != null) {
                Serializable result = client.execute(edit(chatId, text));
                return result instanceof Message m ? m.getMessageId() : text.editMessageId();
            }
            InlineKeyboardMarkup inline = inline(text.buttons());
            ReplyKeyboard keyboard = replyKeyboard(text);
            if (inline != null && keyboard != null) {
                client.execute(message(chatId, text.text(), keyboard));
                return client.execute(message(chatId, BUTTONS_BELOW, inline)).getMessageId();
            }
            return client.execute(message(chatId, text.text(), inline != null ? inline : keyboard)).getMessageId();
        }
        if (reply instanceof Reply.Document document) {
            return client.execute(document(chatId, document)).getMessageId();
        }
        if (reply instanceof Reply.Photo photo) {
            return client.execute(photo(chatId, photo)).getMessageId();
        }
        if (reply instanceof Reply.CallbackAnswer answer) {
            client.execute(callbackAnswer(answer));
            return null;
        }
        if (reply instanceof Reply.File file) {
            InputFile known = new InputFile(file.fileId());
            Message sent = "photo".equals(file.kind())
                    ? client.execute(SendPhoto.builder().chatId(chatId).photo(known).caption(file.caption()).build())
                    : client.execute(SendDocument.builder().chatId(chatId).document(known).caption(file.caption()).build());
            return sent.getMessageId();
        }
        throw new IllegalArgumentException("Unknown reply " + reply.getClass().getSimpleName());
    }

    static SendMessage message(long chatId, String text, ReplyKeyboard markup) {
        return SendMessage.builder().chatId(chatId).text(text).parseMode(ParseMode.HTML).replyMarkup(markup).build();
    }

    static EditMessageText edit(long chatId, Reply.Text text) {
        return EditMessageText.builder().chatId(chatId).messageId(text.editMessageId()).text(text.text())
                .parseMode(ParseMode.HTML).replyMarkup(inline(text.buttons())).build();
    }

    static SendDocument document(long chatId, Reply.Document document) {
        var builder = SendDocument.builder().chatId(chatId)
                .document(new InputFile(new ByteArrayInputStream(document.content()), document.fileName()));
        if (document.caption() != null && !document.caption().isBlank()) {
            builder.caption(document.caption()).parseMode(ParseMode.HTML);
        }
        return builder.build();
    }

    static SendPhoto photo(long chatId, Reply.Photo photo) {
        var builder = SendPhoto.builder().chatId(chatId)
                .photo(new InputFile(new ByteArrayInputStream(photo.content()), photo.fileName()));
        if (photo.caption() != null && !photo.caption().isBlank()) {
            builder.caption(photo.caption()).parseMode(ParseMode.HTML);
        }
        return builder.build();
    }

    static AnswerCallbackQuery callbackAnswer(Reply.CallbackAnswer answer) {
        return AnswerCallbackQuery.builder().callbackQueryId(answer.callbackId()).text(answer.text())
                .showAlert(answer.alert() ? Boolean.TRUE : null).build();
    }

    /** Inline keyboard rows, or null when there are none. */
    static InlineKeyboardMarkup inline(List<List<Button>> rows) {
        if (rows == null || rows.stream().allMatch(r -> r == null || r.isEmpty())) return null;
        List<InlineKeyboardRow> keyboard = new ArrayList<>();
        for (List<Button> row : rows) {
            if (row == null || row.isEmpty()) continue;
            InlineKeyboardRow r = new InlineKeyboardRow();
            for (Button b : row) {
                var button = InlineKeyboardButton.builder().text(b.text());
                if (b.webApp() != null) button.webApp(new WebAppInfo(b.webApp()));
                else if (b.url() != null) button.url(b.url());
                else button.callbackData(b.callbackData());
                r.add(button.build());
            }
            keyboard.add(r);
        }
        return new InlineKeyboardMarkup(keyboard);
    }

    /**
     * The reply keyboard: the contact-sharing button as its own first row when asked for, then the rows; an empty
     * list removes the keyboard; null (and no contact request) leaves the current one.
     */
    static ReplyKeyboard replyKeyboard(Reply.Text text) {
        List<List<String>> rows = text.keyboard();
        String contact = text.requestContact();
        if (contact == null && rows == null) return null;
        if (contact == null && rows.stream().allMatch(r -> r == null || r.isEmpty())) {
            return new ReplyKeyboardRemove(true);
        }
        List<KeyboardRow> keyboard = new ArrayList<>();
        if (contact != null) {
            keyboard.add(new KeyboardRow(KeyboardButton.builder().text(contact).requestContact(true).build()));
        }
        if (rows != null) {
            for (List<String> row : rows) {
                if (row == null || row.isEmpty()) continue;
                KeyboardRow r = new KeyboardRow();
                row.forEach(label -> r.add(KeyboardButton.builder().text(label).build()));
                keyboard.add(r);
            }
        }
        return ReplyKeyboardMarkup.builder().keyboard(keyboard).resizeKeyboard(true).build();
    }
}
