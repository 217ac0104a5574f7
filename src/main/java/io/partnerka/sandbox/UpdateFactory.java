package io.partnerka.sandbox;

import io.partnerka.sandbox.SandboxPersonas.Persona;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Contact;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.chat.Chat;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;
import org.telegram.telegrambots.meta.api.objects.stickers.Sticker;

/**
 * Builds the updates Telegram would send for what a persona does in a private chat with the bot, field for field as
 * the Bot API shapes them: update ids that keep growing, the sender and the chat, the date, a bot_command entity for
 * each command in a text, and a contact's phone without the plus (as Telegram's apps share it).
 */
class UpdateFactory {

    static final String BOT_USERNAME = "partnerka_sandbox_bot";
    static final User BOT = User.builder().id(7_000_000_001L).isBot(true).firstName("Partnerka").userName(BOT_USERNAME)
            .canJoinGroups(false).canReadAllGroupMessages(false).supportInlineQueries(false).build();
    private static final Pattern COMMAND = Pattern.compile("(?<![^\\s])/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?");

    private final IntSupplier updateIds;

    /** {@code updateIds}: ids never handed out before (the inbox ignores an update_id it has seen). */
    UpdateFactory(IntSupplier updateIds) {
        this.updateIds = updateIds;
    }

    static User user(Persona p) {
        return User.builder().id(p.id()).isBot(false).firstName(p.firstName()).userName(p.username())
                .languageCode(p.language()).build();
    }

    static Chat chat(Persona p) {
        return Chat.builder().id(p.id()).type("private").firstName(p.firstName()).userName(p.username()).build();
    }

    static Chat chat(long chatId) {
        return Chat.builder().id(chatId).type("private").build();
    }

    static int now() {
        return (int) Instant.now().getEpochSecond();
    }

    Update text(Persona p, int messageId, String text) {
        List<MessageEntity> entities = commandEntities(text);
        return update(base(p, messageId).text(text).entities(entities.isEmpty() ? null : entities).build());
    }

    Update contact(Persona p, int messageId) {
        String digits = p.phone().replaceAll("[^0-9]", "");
        Contact contact = Contact.builder().phoneNumber(digits).firstName(p.firstName()).userId(p.id()).build();
        return update(base(p, messageId).contact(contact).build());
    }

    Update document(Persona p, int messageId, SandboxChats.StoredFile file, String caption) {
        Document document = Document.builder().fileId(file.fileId()).fileUniqueId(file.uniqueId()).fileName(file.name())
                .mimeType(file.mimeType()).fileSize((long) file.content().length).build();
        return update(base(p, messageId).document(document).caption(blankToNull(caption)).build());
    }

    Update photo(Persona p, int messageId, SandboxChats.StoredFile file, int width, int height, String caption) {
        PhotoSize size = PhotoSize.builder().fileId(file.fileId()).fileUniqueId(file.uniqueId()).width(width)
                .height(height).fileSize(file.content().length).build();
        return update(base(p, messageId).photo(List.of(size)).caption(blankToNull(caption)).build());
    }

    Update sticker(Persona p, int messageId, String emoji) {
        String id = "sbx-sticker-" + Integer.toHexString(emoji.codePointAt(0));
        Sticker sticker = Sticker.builder().fileId(id).fileUniqueId(id).type("regular").width(512).height(512)
                .isAnimated(false).isVideo(false).emoji(emoji).setName("PartnerkaSandbox").build();
        return update(base(p, messageId).sticker(sticker).build());
    }

    /** A press on an inline button of the bot's {@code message}. */
    Update callback(Persona p, Message message, String data, String callbackId) {
        CallbackQuery query = new CallbackQuery();
        query.setId(callbackId);
        query.setFrom(user(p));
        query.setMessage(message);
        query.setChatInstance(String.valueOf(-(p.id() * 7919 + 4_000_000_000_000L)));
        query.setData(data);
        Update update = new Update();
        update.setUpdateId(updateIds.getAsInt());
        update.setCallbackQuery(query);
        return update;
    }

    static String newCallbackId() {
        return Long.toUnsignedString(ThreadLocalRandom.current().nextLong() >>> 1);
    }

    private Message.MessageBuilder<?, ?> base(Persona p, int messageId) {
        return Message.builder().messageId(messageId).from(user(p)).chat(chat(p)).date(now());
    }

    private Update update(Message message) {
        Update update = new Update();
        update.setUpdateId(updateIds.getAsInt());
        update.setMessage(message);
        return update;
    }

    /** Telegram marks every "/command" at a word start; offsets and lengths count UTF-16 code units. */
    static List<MessageEntity> commandEntities(String text) {
        List<MessageEntity> entities = new ArrayList<>();
        Matcher m = COMMAND.matcher(text);
        while (m.find()) {
            MessageEntity entity = new MessageEntity("bot_command", m.start(), m.end() - m.start());
            // Telegram's JSON has no entity text; TelegramBots fills it on parsing and Message.isCommand() needs it
            entity.computeText(text);
            entities.add(entity);
        }
        return entities;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
