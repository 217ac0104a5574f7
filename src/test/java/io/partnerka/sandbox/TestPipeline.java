package io.partnerka.sandbox;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.OutboundMessage;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import io.partnerka.telegram.TelegramUpdates;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.TestComponent;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboard;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardRemove;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * A stand-in for the telegram module's pipeline while it is written in parallel (tests only): Update to Inbound, the
 * conversation engine, and the outbox delivered through the sandbox's TelegramClient, on one background thread.
 */
@TestComponent
class TestPipeline implements TelegramUpdates, DisposableBean {

    private final ConversationEngine engine;
    private final Outbox outbox;
    private final TelegramClient client;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    TestPipeline(ConversationEngine engine, Outbox outbox, TelegramClient client) {
        this.engine = engine;
        this.outbox = outbox;
        this.client = client;
    }

    @Override
    public void receive(List<Update> updates) {
        for (Update update : updates) {
            worker.execute(() -> {
                engine.handle(inbound(update));
                deliver();
            });
        }
    }

    private void deliver() {
        List<OutboundMessage> due;
        while (!(due = outbox.claimDue(10)).isEmpty()) {
            for (OutboundMessage m : due) {
                try {
                    outbox.delivered(m.id(), send(m.chatId(), m.reply()));
                } catch (TelegramApiException e) {
                    outbox.failed(m.id(), e.getMessage());
                }
            }
        }
    }

    private Integer send(long chatId, Reply reply) throws TelegramApiException {
        if (reply instanceof Reply.Text t) {
            if (t.editMessageId() != null) {
                Serializable edited = client.execute(EditMessageText.builder().chatId(chatId).messageId(t.editMessageId())
                        .text(t.text()).parseMode("HTML").replyMarkup(inline(t.buttons())).build());
                return edited instanceof Message msg ? msg.getMessageId() : t.editMessageId();
            }
            ReplyKeyboard markup = !t.buttons().isEmpty() ? inline(t.buttons()) : keyboard(t);
            return client.execute(SendMessage.builder().chatId(chatId).text(t.text()).parseMode("HTML")
                    .replyMarkup(markup).build()).getMessageId();
        }
        if (reply instanceof Reply.Document d) {
            return client.execute(SendDocument.builder().chatId(chatId)
                    .document(new InputFile(new ByteArrayInputStream(d.content()), d.fileName()))
                    .caption(d.caption()).parseMode("HTML").build()).getMessageId();
        }
        Reply.CallbackAnswer a = (Reply.CallbackAnswer) reply;
        client.execute(AnswerCallbackQuery.builder().callbackQueryId(a.callbackId()).text(a.text()).showAlert(a.alert()).build());
        return null;
    }

    private static InlineKeyboardMarkup inline(List<List<Button>> rows) {
        if (rows.isEmpty()) return null;
        List<InlineKeyboardRow> keyboard = new ArrayList<>();
        for (List<Button> row : rows) {
            keyboard.add(new InlineKeyboardRow(row.stream().map(b -> InlineKeyboardButton.builder().text(b.text())
                    .callbackData(b.callbackData()).url(b.url()).build()).toList()));
        }
        return InlineKeyboardMarkup.builder().keyboard(keyboard).build();
    }

    private static ReplyKeyboard keyboard(Reply.Text t) {
        if (t.keyboard() == null && t.requestContact() == null) return null;
        List<KeyboardRow> rows = new ArrayList<>();
        if (t.requestContact() != null) {
            rows.add(new KeyboardRow(List.of(KeyboardButton.builder().text(t.requestContact()).requestContact(true).build())));
        }
        if (t.keyboard() != null) {
            for (List<String> row : t.keyboard()) {
                rows.add(new KeyboardRow(row.stream().map(text -> KeyboardButton.builder().text(text).build()).toList()));
            }
        }
        if (rows.isEmpty()) return ReplyKeyboardRemove.builder().removeKeyboard(true).build();
        return ReplyKeyboardMarkup.builder().keyboard(rows).resizeKeyboard(true).build();
    }

    static Inbound inbound(Update u) {
        if (u.hasCallbackQuery()) {
            var q = u.getCallbackQuery();
            var user = q.getFrom();
            return new Inbound(u.getUpdateId(), q.getMessage().getChatId(), user.getId(), user.getFirstName(),
                    user.getUserName(), user.getLanguageCode(), Inbound.Kind.CALLBACK, null, q.getData(), q.getId(),
                    q.getMessage().getMessageId(), null, null, null, null, null);
        }
        Message m = u.getMessage();
        var user = m.getFrom();
        Inbound.Kind kind = Inbound.Kind.OTHER;
        String text = null;
        String phone = null;
        Long contactUser = null;
        String fileId = null;
        String fileName = null;
        if (m.hasText()) {
            text = m.getText();
            kind = m.isCommand() ? Inbound.Kind.COMMAND : Inbound.Kind.TEXT;
        } else if (m.hasContact()) {
            kind = Inbound.Kind.CONTACT;
            phone = m.getContact().getPhoneNumber();
            contactUser = m.getContact().getUserId();
        } else if (m.hasDocument()) {
            kind = Inbound.Kind.DOCUMENT;
            text = m.getCaption();
            fileId = m.getDocument().getFileId();
            fileName = m.getDocument().getFileName();
        } else if (m.hasPhoto()) {
            kind = Inbound.Kind.PHOTO;
            text = m.getCaption();
            fileId = m.getPhoto().stream().max(Comparator.comparingInt(PhotoSize::getWidth)).orElseThrow().getFileId();
        }
        return new Inbound(u.getUpdateId(), m.getChatId(), user.getId(), user.getFirstName(), user.getUserName(),
                user.getLanguageCode(), kind, text, null, null, m.getMessageId(), null, phone, contactUser, fileId, fileName);
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}
