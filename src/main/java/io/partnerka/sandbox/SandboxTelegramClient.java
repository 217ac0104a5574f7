package io.partnerka.sandbox;

import io.partnerka.sandbox.SandboxChats.Attachment;
import io.partnerka.sandbox.SandboxChats.Entry;
import io.partnerka.sandbox.SandboxChats.InlineButton;
import io.partnerka.sandbox.SandboxChats.Kind;
import io.partnerka.sandbox.SandboxChats.KeyButton;
import io.partnerka.sandbox.SandboxChats.Sender;
import io.partnerka.sandbox.SandboxChats.StoredFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaTypeFactory;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.GetFile;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.botapimethods.PartialBotApiMethod;
import org.telegram.telegrambots.meta.api.methods.business.SetBusinessAccountProfilePhoto;
import org.telegram.telegrambots.meta.api.methods.commands.DeleteMyCommands;
import org.telegram.telegrambots.meta.api.methods.commands.GetMyCommands;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.methods.description.SetMyDescription;
import org.telegram.telegrambots.meta.api.methods.description.SetMyShortDescription;
import org.telegram.telegrambots.meta.api.methods.groupadministration.SetChatPhoto;
import org.telegram.telegrambots.meta.api.methods.menubutton.SetChatMenuButton;
import org.telegram.telegrambots.meta.api.objects.menubutton.MenuButtonWebApp;
import org.telegram.telegrambots.meta.api.methods.name.SetMyName;
import org.telegram.telegrambots.meta.api.methods.send.SendAnimation;
import org.telegram.telegrambots.meta.api.methods.send.SendAudio;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendLivePhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPaidMedia;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendSticker;
import org.telegram.telegrambots.meta.api.methods.send.SendVideo;
import org.telegram.telegrambots.meta.api.methods.send.SendVideoNote;
import org.telegram.telegrambots.meta.api.methods.send.SendVoice;
import org.telegram.telegrambots.meta.api.methods.SetMyProfilePhoto;
import org.telegram.telegrambots.meta.api.methods.stickers.AddStickerToSet;
import org.telegram.telegrambots.meta.api.methods.stickers.CreateNewStickerSet;
import org.telegram.telegrambots.meta.api.methods.stickers.ReplaceStickerInSet;
import org.telegram.telegrambots.meta.api.methods.stickers.SetStickerSetThumbnail;
import org.telegram.telegrambots.meta.api.methods.stickers.UploadStickerFile;
import org.telegram.telegrambots.meta.api.methods.updates.Close;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.methods.updates.GetWebhookInfo;
import org.telegram.telegrambots.meta.api.methods.updates.LogOut;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageCaption;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageMedia;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageReplyMarkup;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.File;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScope;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScopeChat;
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
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * The Bot API as the sandbox plays it: what the bot sends lands in the personas' chats instead of Telegram. Methods
 * answer like Telegram does (Message objects with growing ids, true for the rest), and refuse what Telegram would
 * refuse with the same kind of error (HTML it cannot parse, a message that is too long, editing a message that is
 * gone, "message is not modified", 403 for a persona who blocked the bot), so the bot's error handling runs here too.
 * Methods the bot does not use throw a {@link TelegramApiException} that says so.
 */
class SandboxTelegramClient implements TelegramClient {

    private static final Logger log = LoggerFactory.getLogger(SandboxTelegramClient.class);
    static final int MAX_TEXT = 4096;
    static final int MAX_CAPTION = 1024;
    static final int MAX_CALLBACK_DATA = 64;

    private final SandboxChats chats;
    private final SandboxPersonas personas;
    private final SandboxIds ids;
    private final SandboxTexts texts;

    SandboxTelegramClient(SandboxChats chats, SandboxPersonas personas, SandboxIds ids, SandboxTexts texts) {
        this.chats = chats;
        this.personas = personas;
        this.ids = ids;
        this.texts = texts;
    }

    // ---- the methods of BotApiMethod (JSON) kind -------------------------------------------------------------------

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Serializable, Method extends BotApiMethod<T>> T execute(Method method) throws TelegramApiException {
        if (method == null) throw new TelegramApiException("Parameter method can not be null");
        method.validate();
        log.debug("Sandbox Bot API call {}", method.getMethod());
        Object result;
        if (method instanceof SendMessage m) {
            result = sendMessage(m);
        } else if (method instanceof EditMessageText m) {
            result = editText(m);
        } else if (method instanceof EditMessageCaption m) {
            result = editCaption(m);
        } else if (method instanceof EditMessageReplyMarkup m) {
            result = editMarkup(m);
        } else if (method instanceof DeleteMessage m) {
            result = deleteMessage(m);
        } else if (method instanceof AnswerCallbackQuery m) {
            result = answerCallback(m);
        } else if (method instanceof SetMyCommands m) {
            chats.commands(scope(m.getScope()), m.getLanguageCode(),
                    m.getCommands().stream().map(c -> new SandboxChats.Command(c.getCommand(), c.getDescription())).toList());
            result = Boolean.TRUE;
        } else if (method instanceof DeleteMyCommands m) {
            chats.commands(scope(m.getScope()), m.getLanguageCode(), List.of());
            result = Boolean.TRUE;
        } else if (method instanceof GetMyCommands m) {
            result = new ArrayList<>(chats.commandsOf(scope(m.getScope()), m.getLanguageCode()).stream()
                    .map(c -> new BotCommand(c.command(), c.description())).toList());
        } else if (method instanceof SetChatMenuButton m) {
            result = setMenuButton(m);
        } else if (method instanceof GetMe) {
            result = UpdateFactory.BOT;
        } else if (method instanceof GetFile m) {
            result = getFile(m.getFileId());
        } else if (method instanceof GetWebhookInfo) {
            return method.deserializeResponse("{\"ok\":true,\"result\":{\"url\":\"\",\"has_custom_certificate\":false,"
                    + "\"pending_update_count\":0}}");
        } else if (method instanceof GetUpdates) {
            throw new TelegramApiException("The sandbox has no getUpdates: it feeds the updates of its personas to "
                    + "TelegramUpdates itself (set TELEGRAM_BOT_TOKEN to poll a real bot)");
        } else if (method instanceof DeleteWebhook || method instanceof SendChatAction || method instanceof SetMyDescription
                || method instanceof SetMyShortDescription || method instanceof SetMyName
                || method instanceof Close || method instanceof LogOut) {
            result = Boolean.TRUE;
        } else {
            throw unsupported(method.getMethod());
        }
        return (T) result;
    }

    @Override
    public <T extends Serializable, Method extends BotApiMethod<T>> CompletableFuture<T> executeAsync(Method method) {
        try {
            return CompletableFuture.completedFuture(execute(method));
        } catch (TelegramApiException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ---- messages -----------------------------------------------------------------------------------------------

    private Message sendMessage(SendMessage m) throws TelegramApiException {
        long chatId = chatId(m, m.getChatId());
        reachable(m, chatId);
        TelegramHtml.Parsed text = parse(m, chatId, m.getText(), m.getParseMode());
        if (text.text().isBlank()) throw error(m, 400, "Bad Request: message text is empty");
        if (text.text().length() > MAX_TEXT) throw error(m, 400, "Bad Request: message is too long");
        List<List<InlineButton>> buttons = inline(m, markupOf(m.getReplyMarkup()));
        applyKeyboard(chatId, m.getReplyMarkup());
        Entry e = new Entry(ids.nextMessageId(), Sender.BOT, Kind.TEXT, UpdateFactory.now());
        e.text = text.text();
        e.html = text.safeHtml();
        e.buttons = buttons;
        e.telegram = Message.builder().messageId(e.id).from(UpdateFactory.BOT).chat(chat(chatId)).date((int) e.date)
                .text(text.text()).entities(emptyToNull(text.entities())).replyMarkup(markupOf(m.getReplyMarkup())).build();
        chats.add(chatId, e);
        return e.telegram;
    }

    private Serializable editText(EditMessageText m) throws TelegramApiException {
        if (m.getInlineMessageId() != null) throw error(m, 400, "Bad Request: the sandbox has no inline messages");
        long chatId = chatId(m, m.getChatId());
        Entry current = botMessage(m, chatId, m.getMessageId(), "Bad Request: message to edit not found");
        if (current.kind != Kind.TEXT) throw error(m, 400, "Bad Request: there is no text in the message to edit");
        TelegramHtml.Parsed text = parse(m, chatId, m.getText(), m.getParseMode());
        if (text.text().isBlank()) throw error(m, 400, "Bad Request: message text is empty");
        if (text.text().length() > MAX_TEXT) throw error(m, 400, "Bad Request: message is too long");
        // editing the text without reply_markup removes the inline keyboard, as on Telegram
        List<List<InlineButton>> buttons = inline(m, m.getReplyMarkup());
        return chats.update(chatId, current.id, e -> {
            if (Objects.equals(e.html, text.safeHtml()) && e.buttons.equals(buttons)) return null;
            e.text = text.text();
            e.html = text.safeHtml();
            e.buttons = buttons;
            e.edited = true;
            e.telegram = Message.builder().messageId(e.id).from(UpdateFactory.BOT).chat(chat(chatId)).date((int) e.date)
                    .editDate(UpdateFactory.now()).text(text.text()).entities(emptyToNull(text.entities()))
                    .replyMarkup(m.getReplyMarkup()).build();
            return e.telegram;
        }).orElseThrow(() -> notModified(m));
    }

    private Serializable editCaption(EditMessageCaption m) throws TelegramApiException {
        if (m.getInlineMessageId() != null) throw error(m, 400, "Bad Request: the sandbox has no inline messages");
        long chatId = chatId(m, m.getChatId());
        Entry current = botMessage(m, chatId, m.getMessageId(), "Bad Request: message to edit not found");
        if (current.kind != Kind.DOCUMENT && current.kind != Kind.PHOTO) {
            throw error(m, 400, "Bad Request: there is no caption in the message to edit");
        }
        TelegramHtml.Parsed caption = parse(m, chatId, m.getCaption() == null ? "" : m.getCaption(), m.getParseMode());
        if (caption.text().length() > MAX_CAPTION) throw error(m, 400, "Bad Request: message caption is too long");
        List<List<InlineButton>> buttons = inline(m, m.getReplyMarkup());
        return chats.update(chatId, current.id, e -> {
            if (Objects.equals(e.html, caption.safeHtml()) && e.buttons.equals(buttons)) return null;
            e.text = caption.text();
            e.html = caption.safeHtml();
            e.buttons = buttons;
            e.edited = true;
            e.telegram.setCaption(caption.text());
            e.telegram.setCaptionEntities(emptyToNull(caption.entities()));
            e.telegram.setReplyMarkup(m.getReplyMarkup());
            e.telegram.setEditDate(UpdateFactory.now());
            return e.telegram;
        }).orElseThrow(() -> notModified(m));
    }

    private Serializable editMarkup(EditMessageReplyMarkup m) throws TelegramApiException {
        if (m.getInlineMessageId() != null) throw error(m, 400, "Bad Request: the sandbox has no inline messages");
        long chatId = chatId(m, m.getChatId());
        Entry current = botMessage(m, chatId, m.getMessageId(), "Bad Request: message to edit not found");
        List<List<InlineButton>> buttons = inline(m, m.getReplyMarkup());
        return chats.update(chatId, current.id, e -> {
            if (e.buttons.equals(buttons)) return null;
            e.buttons = buttons;
            e.telegram.setReplyMarkup(m.getReplyMarkup());
            return e.telegram;
        }).orElseThrow(() -> notModified(m));
    }

    private Boolean deleteMessage(DeleteMessage m) throws TelegramApiException {
        long chatId = chatId(m, m.getChatId());
        return chats.update(chatId, m.getMessageId(), e -> {
            e.deleted = true;
            return Boolean.TRUE;
        }).orElseThrow(() -> error(m, 400, "Bad Request: message to delete not found"));
    }

    private Boolean answerCallback(AnswerCallbackQuery m) throws TelegramApiException {
        long chatId = chats.chatOfCallback(m.getCallbackQueryId()).orElseThrow(() -> error(m, 400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid"));
        if (m.getText() != null && m.getText().length() > 200) {
            throw error(m, 400, "Bad Request: MESSAGE_TOO_LONG");
        }
        if (m.getUrl() != null && !webUrl(m.getUrl())) throw error(m, 400, "Bad Request: URL_INVALID");
        chats.answer(chatId, m.getCallbackQueryId(), m.getText(), Boolean.TRUE.equals(m.getShowAlert()), m.getUrl());
        return Boolean.TRUE;
    }

    // ---- files ----------------------------------------------------------------------------------------------------

    @Override
    public Message execute(SendDocument m) throws TelegramApiException {
        m.validate();
        long chatId = chatId(m, m.getChatId());
        reachable(m, chatId);
        StoredFile file = upload(m, m.getDocument());
        Entry e = fileMessage(m, chatId, Kind.DOCUMENT, file, m.getCaption(), m.getParseMode(), m.getReplyMarkup());
        e.telegram.setDocument(Document.builder().fileId(file.fileId()).fileUniqueId(file.uniqueId())
                .fileName(file.name()).mimeType(file.mimeType()).fileSize((long) file.content().length).build());
        chats.add(chatId, e);
        return e.telegram;
    }

    @Override
    public Message execute(SendPhoto m) throws TelegramApiException {
        m.validate();
        long chatId = chatId(m, m.getChatId());
        reachable(m, chatId);
        StoredFile file = upload(m, m.getPhoto());
        Entry e = fileMessage(m, chatId, Kind.PHOTO, file, m.getCaption(), m.getParseMode(), m.getReplyMarkup());
        int[] size = imageSize(file.content());
        e.telegram.setPhoto(List.of(PhotoSize.builder().fileId(file.fileId()).fileUniqueId(file.uniqueId())
                .width(size[0]).height(size[1]).fileSize(file.content().length).build()));
        chats.add(chatId, e);
        return e.telegram;
    }

    private Entry fileMessage(PartialBotApiMethod<?> m, long chatId, Kind kind, StoredFile file, String caption,
                              String parseMode, ReplyKeyboard markup) throws TelegramApiException {
        TelegramHtml.Parsed parsed = parse(m, chatId, caption == null ? "" : caption, parseMode);
        if (parsed.text().length() > MAX_CAPTION) throw error(m, 400, "Bad Request: message caption is too long");
        List<List<InlineButton>> buttons = inline(m, markupOf(markup));
        applyKeyboard(chatId, markup);
        Entry e = new Entry(ids.nextMessageId(), Sender.BOT, kind, UpdateFactory.now());
        e.text = parsed.text();
        e.html = parsed.safeHtml();
        e.buttons = buttons;
        e.file = new Attachment(file.fileId(), file.name(), file.mimeType(), file.content().length);
        e.telegram = Message.builder().messageId(e.id).from(UpdateFactory.BOT).chat(chat(chatId)).date((int) e.date)
                .caption(parsed.text().isEmpty() ? null : parsed.text()).captionEntities(emptyToNull(parsed.entities()))
                .replyMarkup(markupOf(markup)).build();
        return e;
    }

    /** Keeps the bytes of a new file (so the page can offer it for download), or finds an earlier one by file_id. */
    private StoredFile upload(PartialBotApiMethod<?> m, InputFile input) throws TelegramApiException {
        if (input == null) throw error(m, 400, "Bad Request: there is no file in the request");
        if (!input.isNew()) {
            return chats.file(input.getAttachName())
                    .orElseThrow(() -> error(m, 400, "Bad Request: wrong remote file identifier specified"));
        }
        byte[] bytes;
        try {
            if (input.getNewMediaStream() != null) {
                try (InputStream in = input.getNewMediaStream()) {
                    bytes = in.readAllBytes();
                }
            } else if (input.getNewMediaFile() != null) {
                bytes = Files.readAllBytes(input.getNewMediaFile().toPath());
            } else {
                throw error(m, 400, "Bad Request: there is no file in the request");
            }
        } catch (IOException e) {
            throw new TelegramApiException("Could not read the file to send", e);
        }
        if (bytes.length == 0) throw error(m, 400, "Bad Request: file must be non-empty");
        String name = input.getMediaName() == null ? "file" : input.getMediaName();
        StoredFile file = newFile(name, bytes);
        chats.storeFile(file);
        return file;
    }

    /** A file with ids shaped like Telegram's (a long file_id, a short file_unique_id). */
    static StoredFile newFile(String name, byte[] bytes) {
        String uuid = UUID.randomUUID().toString().replace("-", "");
        String mime = MediaTypeFactory.getMediaType(name).map(Object::toString).orElse("application/octet-stream");
        return new StoredFile("BQACAgIAAxkBAAI" + uuid, "AgAD" + uuid.substring(0, 12), name, mime, bytes);
    }

    private File getFile(String fileId) throws TelegramApiException {
        StoredFile f = chats.file(fileId).orElseThrow(() -> new TelegramApiRequestException(
                "Error executing getFile query: [400] Bad Request: invalid file_id"));
        return new File(f.fileId(), f.uniqueId(), (long) f.content().length, "documents/" + f.fileId() + extension(f.name()));
    }

    @Override
    public java.io.File downloadFile(File file) throws TelegramApiException {
        try (InputStream in = downloadFileAsStream(file)) {
            java.io.File target = Files.createTempFile("sandbox-", extension(stored(file).name())).toFile();
            target.deleteOnExit();
            Files.write(target.toPath(), in.readAllBytes());
            return target;
        } catch (IOException e) {
            throw new TelegramApiException("Could not write the downloaded file", e);
        }
    }

    @Override
    public InputStream downloadFileAsStream(File file) throws TelegramApiException {
        return new ByteArrayInputStream(stored(file).content());
    }

    @Override
    public CompletableFuture<java.io.File> downloadFileAsync(File file) {
        try {
            return CompletableFuture.completedFuture(downloadFile(file));
        } catch (TelegramApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<InputStream> downloadFileAsStreamAsync(File file) {
        try {
            return CompletableFuture.completedFuture(downloadFileAsStream(file));
        } catch (TelegramApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private StoredFile stored(File file) throws TelegramApiException {
        if (file == null) throw new TelegramApiException("Parameter file can not be null");
        String id = file.getFileId();
        if (id == null && file.getFilePath() != null) {
            String path = file.getFilePath();
            id = path.substring(path.lastIndexOf('/') + 1);
            if (id.contains(".")) id = id.substring(0, id.indexOf('.'));
        }
        return chats.file(id).orElseThrow(() -> new TelegramApiException("The sandbox has no file " + file.getFileId()));
    }

    // ---- what the sandbox does not play -----------------------------------------------------------------------------

    @Override
    public Boolean execute(SetWebhook setWebhook) {
        return Boolean.TRUE;
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetWebhook setWebhook) {
        return CompletableFuture.completedFuture(Boolean.TRUE);
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendDocument m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendPhoto m) {
        return async(() -> execute(m));
    }

    @Override
    public Message execute(SendVideo m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Message execute(SendVideoNote m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Message execute(SendSticker m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Boolean execute(SetBusinessAccountProfilePhoto m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Boolean execute(SetMyProfilePhoto m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Message execute(SendAudio m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Message execute(SendVoice m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public List<Message> execute(SendMediaGroup m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Message execute(SendPaidMedia m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Boolean execute(SetChatPhoto m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Boolean execute(AddStickerToSet m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Boolean execute(ReplaceStickerInSet m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Boolean execute(SetStickerSetThumbnail m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Boolean execute(CreateNewStickerSet m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public File execute(UploadStickerFile m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Serializable execute(EditMessageMedia m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Message execute(SendAnimation m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public Message execute(SendLivePhoto m) throws TelegramApiException {
        throw unsupported(m.getMethod());
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendVideo m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendVideoNote m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendSticker m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendAudio m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendVoice m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<List<Message>> executeAsync(SendMediaGroup m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendPaidMedia m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetChatPhoto m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(AddStickerToSet m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(ReplaceStickerInSet m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetStickerSetThumbnail m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(CreateNewStickerSet m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<File> executeAsync(UploadStickerFile m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Serializable> executeAsync(EditMessageMedia m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendAnimation m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendLivePhoto m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetBusinessAccountProfilePhoto m) {
        return async(() -> execute(m));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetMyProfilePhoto m) {
        return async(() -> execute(m));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private interface Call<T> {
        T run() throws TelegramApiException;
    }

    private static <T> CompletableFuture<T> async(Call<T> call) {
        try {
            return CompletableFuture.completedFuture(call.run());
        } catch (TelegramApiException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static TelegramApiException unsupported(String method) {
        return new TelegramApiException("The sandbox does not play the Bot API method " + method + " (yet): it plays "
                + "the methods this bot uses; teach it in io.partnerka.sandbox.SandboxTelegramClient");
    }

    /** Telegram's error, as the real client would raise it (error code and description included). */
    private static TelegramApiRequestException error(PartialBotApiMethod<?> m, int code, String description) {
        String json = "{\"ok\":false,\"error_code\":" + code + ",\"description\":\"" + description.replace("\\", "\\\\")
                .replace("\"", "\\\"") + "\"}";
        try {
            m.deserializeResponse(json);
        } catch (TelegramApiRequestException e) {
            return e;
        }
        return new TelegramApiRequestException("[" + code + "] " + description);
    }

    private static TelegramApiRequestException notModified(PartialBotApiMethod<?> m) {
        return error(m, 400, "Bad Request: message is not modified: specified new message content and reply markup "
                + "are exactly the same as a current content and reply markup of the message");
    }

    private long chatId(PartialBotApiMethod<?> m, String chatId) throws TelegramApiRequestException {
        try {
            return Long.parseLong(chatId);
        } catch (NumberFormatException | NullPointerException e) {
            throw error(m, 400, "Bad Request: chat not found");
        }
    }

    private void reachable(PartialBotApiMethod<?> m, long chatId) throws TelegramApiRequestException {
        if (personas.blocked(chatId)) {
            chats.note(chatId, texts.text(languageOf(chatId), "sandbox.note.blocked"));
            throw error(m, 403, "Forbidden: bot was blocked by the user");
        }
    }

    private Entry botMessage(PartialBotApiMethod<?> m, long chatId, Integer messageId, String notFound)
            throws TelegramApiRequestException {
        Entry e = messageId == null ? null : chats.find(chatId, messageId).orElse(null);
        if (e == null) throw error(m, 400, notFound);
        if (e.from != Sender.BOT) throw error(m, 400, "Bad Request: message can't be edited");
        return e;
    }

    /** Telegram HTML when parse_mode is HTML; any other mode is shown as plain text. */
    private TelegramHtml.Parsed parse(PartialBotApiMethod<?> m, long chatId, String text, String parseMode)
            throws TelegramApiRequestException {
        if (text == null) return TelegramHtml.plain("");
        if (parseMode == null || !"html".equals(parseMode.toLowerCase(Locale.ROOT))) return TelegramHtml.plain(text);
        try {
            return TelegramHtml.parse(text);
        } catch (TelegramHtml.Invalid e) {
            chats.note(chatId, texts.text(languageOf(chatId), "sandbox.note.refused", "error", e.getMessage()));
            throw error(m, 400, e.getMessage());
        }
    }

    private static InlineKeyboardMarkup markupOf(ReplyKeyboard markup) {
        return markup instanceof InlineKeyboardMarkup inline ? inline : null;
    }

    private List<List<InlineButton>> inline(PartialBotApiMethod<?> m, InlineKeyboardMarkup markup)
            throws TelegramApiRequestException {
        if (markup == null || markup.getKeyboard() == null) return List.of();
        List<List<InlineButton>> rows = new ArrayList<>();
        for (InlineKeyboardRow row : markup.getKeyboard()) {
            List<InlineButton> buttons = new ArrayList<>();
            for (InlineKeyboardButton b : row) {
                if (b.getCallbackData() != null
                        && b.getCallbackData().getBytes(StandardCharsets.UTF_8).length > MAX_CALLBACK_DATA) {
                    throw error(m, 400, "Bad Request: BUTTON_DATA_INVALID");
                }
                if (b.getUrl() != null && !webUrl(b.getUrl())) throw error(m, 400, "Bad Request: BUTTON_URL_INVALID");
                String webApp = b.getWebApp() == null ? null : b.getWebApp().getUrl();
                // Telegram takes only https here; the sandbox opens the page from its own origin, so http is fine
                if (b.getWebApp() != null && !httpUrl(webApp)) throw error(m, 400, "Bad Request: BUTTON_TYPE_INVALID");
                if (b.getText() == null || b.getText().isBlank()) throw error(m, 400, "Bad Request: BUTTON_TEXT_INVALID");
                buttons.add(new InlineButton(b.getText(), b.getCallbackData(), b.getUrl(), webApp));
            }
            if (!buttons.isEmpty()) rows.add(List.copyOf(buttons));
        }
        return List.copyOf(rows);
    }

    /** A reply keyboard stays under the input until the bot replaces or removes it. */
    private void applyKeyboard(long chatId, ReplyKeyboard markup) {
        if (markup instanceof ReplyKeyboardMarkup k) {
            List<List<KeyButton>> rows = new ArrayList<>();
            for (KeyboardRow row : k.getKeyboard()) {
                List<KeyButton> buttons = new ArrayList<>();
                for (KeyboardButton b : row) buttons.add(new KeyButton(b.getText(), Boolean.TRUE.equals(b.getRequestContact())));
                if (!buttons.isEmpty()) rows.add(List.copyOf(buttons));
            }
            chats.keyboard(chatId, new SandboxChats.Keyboard(List.copyOf(rows), Boolean.TRUE.equals(k.getResizeKeyboard()),
                    Boolean.TRUE.equals(k.getOneTimeKeyboard()), k.getInputFieldPlaceholder()));
        } else if (markup instanceof ReplyKeyboardRemove) {
            chats.keyboard(chatId, null);
        }
    }

    private org.telegram.telegrambots.meta.api.objects.chat.Chat chat(long chatId) {
        return personas.find(chatId).map(UpdateFactory::chat).orElseGet(() -> UpdateFactory.chat(chatId));
    }

    private String languageOf(long chatId) {
        return personas.find(chatId).map(SandboxPersonas.Persona::language).orElse(null);
    }

    private static String scope(BotCommandScope scope) {
        if (scope == null) return "default";
        if (scope instanceof BotCommandScopeChat c) return "chat:" + c.getChatId();
        return scope.getType();
    }

    /** A Mini App menu button is shown by the page; any other kind puts the command list back. */
    private Boolean setMenuButton(SetChatMenuButton m) throws TelegramApiException {
        String scope = m.getChatId() == null ? "default" : "chat:" + m.getChatId();
        if (m.getMenuButton() instanceof MenuButtonWebApp w) {
            String url = w.getWebAppInfo() == null ? null : w.getWebAppInfo().getUrl();
            if (!httpUrl(url)) throw error(m, 400, "Bad Request: WEBAPP_URL_INVALID");
            chats.menuButton(scope, new SandboxChats.MenuButton(w.getText(), url));
        } else {
            chats.menuButton(scope, null);
        }
        return Boolean.TRUE;
    }

    static boolean httpUrl(String url) {
        if (url == null) return false;
        String u = url.strip().toLowerCase(Locale.ROOT);
        return u.startsWith("https://") || u.startsWith("http://");
    }

    /** The links Telegram takes for buttons (and the only ones the page will open). */
    static boolean webUrl(String url) {
        String u = url.strip().toLowerCase(Locale.ROOT);
        return u.startsWith("https://") || u.startsWith("http://") || u.startsWith("tg://");
    }

    private static int[] imageSize(byte[] bytes) {
        try {
            var image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image != null) return new int[]{image.getWidth(), image.getHeight()};
        } catch (IOException | RuntimeException e) {
            // not an image we can read: Telegram would still take it; sizes are only informative
        }
        return new int[]{0, 0};
    }

    private static String extension(String name) {
        int dot = name == null ? -1 : name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    private static <E> List<E> emptyToNull(List<E> list) {
        return list == null || list.isEmpty() ? null : list;
    }
}
