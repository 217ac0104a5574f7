package io.partnerka.sandbox;

import io.partnerka.sandbox.SandboxChats.ContactCard;
import io.partnerka.sandbox.SandboxChats.Entry;
import io.partnerka.sandbox.SandboxChats.Kind;
import io.partnerka.sandbox.SandboxChats.MessageView;
import io.partnerka.sandbox.SandboxChats.Sender;
import io.partnerka.sandbox.SandboxChats.StoredFile;
import io.partnerka.sandbox.SandboxPersonas.Persona;
import io.partnerka.telegram.TelegramUpdates;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.NoSuchElementException;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * What a persona does in their chat with the bot: each action shows in the chat at once and becomes the update
 * Telegram would send, fed to {@link TelegramUpdates} like an update from Telegram.
 */
class SandboxActions {

    private static final Logger log = LoggerFactory.getLogger(SandboxActions.class);
    static final int MAX_FILE = 20 * 1024 * 1024;

    private final SandboxChats chats;
    private final SandboxPersonas personas;
    private final SandboxIds ids;
    private final UpdateFactory factory;
    private final TelegramUpdates updates;
    private final SandboxTexts texts;

    SandboxActions(SandboxChats chats, SandboxPersonas personas, SandboxIds ids, UpdateFactory factory,
                   TelegramUpdates updates, SandboxTexts texts) {
        this.chats = chats;
        this.personas = personas;
        this.ids = ids;
        this.factory = factory;
        this.updates = updates;
        this.texts = texts;
    }

    /** A text (a command when it starts with "/", e.g. "/start ref_abc"), or the text of a reply-keyboard button. */
    MessageView send(long personaId, String text) {
        Persona p = persona(personaId);
        if (text == null || text.isBlank()) throw new IllegalArgumentException("Type something first");
        if (text.length() > SandboxTelegramClient.MAX_TEXT) throw new IllegalArgumentException("At most 4096 characters");
        Entry e = userEntry(Kind.TEXT);
        e.text = text;
        e.html = TelegramHtml.escape(text);
        return feed(p, e, factory.text(p, e.id, text));
    }

    /** A press on an inline button of one of the bot's messages; returns the callback query id. */
    String press(long personaId, int messageId, String data) {
        Persona p = persona(personaId);
        Entry message = chats.find(p.id(), messageId).filter(e -> e.from == Sender.BOT)
                .orElseThrow(() -> new IllegalStateException("That message is gone"));
        boolean present = message.buttons.stream().flatMap(List::stream)
                .anyMatch(b -> b.data() != null && b.data().equals(data));
        if (!present) throw new IllegalStateException("That button is no longer under the message");
        String callbackId = UpdateFactory.newCallbackId();
        chats.callbackSent(callbackId, p.id());
        personas.block(p.id(), false);
        deliver(p, factory.callback(p, message.telegram, data, callbackId));
        return callbackId;
    }

    /** The persona shares their own contact (the reply keyboard's contact button). */
    MessageView contact(long personaId) {
        Persona p = persona(personaId);
        Entry e = userEntry(Kind.CONTACT);
        e.contact = new ContactCard(p.phone(), p.firstName());
        e.text = p.phone();
        e.html = TelegramHtml.escape(p.phone());
        return feed(p, e, factory.contact(p, e.id));
    }

    /** A file, as a document or (for an image, when asked) as a photo; its bytes are kept for getFile and downloads. */
    MessageView file(long personaId, String fileName, byte[] content, String caption, boolean asPhoto) {
        Persona p = persona(personaId);
        if (content == null || content.length == 0) throw new IllegalArgumentException("The file is empty");
        if (content.length > MAX_FILE) throw new IllegalArgumentException("Files up to 20 MB, as for Telegram bots");
        String name = cleanName(fileName);
        StoredFile file = SandboxTelegramClient.newFile(name, content);
        chats.storeFile(file);
        int[] size = asPhoto ? imageSize(content) : null;
        if (asPhoto && size == null) throw new IllegalArgumentException("That is not an image the sandbox can read");
        Entry e = userEntry(asPhoto ? Kind.PHOTO : Kind.DOCUMENT);
        e.file = new SandboxChats.Attachment(file.fileId(), file.name(), file.mimeType(), content.length);
        String text = caption == null ? "" : caption.strip();
        if (text.length() > SandboxTelegramClient.MAX_CAPTION) throw new IllegalArgumentException("Captions up to 1024 characters");
        e.text = text;
        e.html = TelegramHtml.escape(text);
        Update update = asPhoto ? factory.photo(p, e.id, file, size[0], size[1], text)
                : factory.document(p, e.id, file, text);
        return feed(p, e, update);
    }

    /** A sticker: not something the bot reads, which is the point (it should answer with a hint). */
    MessageView sticker(long personaId, String emoji) {
        Persona p = persona(personaId);
        if (emoji == null || emoji.isBlank() || emoji.length() > 16) throw new IllegalArgumentException("One emoji, please");
        Entry e = userEntry(Kind.STICKER);
        e.sticker = emoji.strip();
        e.text = e.sticker;
        e.html = TelegramHtml.escape(e.sticker);
        return feed(p, e, factory.sticker(p, e.id, e.sticker));
    }

    private Entry userEntry(Kind kind) {
        return new Entry(ids.nextMessageId(), Sender.USER, kind, UpdateFactory.now());
    }

    private MessageView feed(Persona p, Entry e, Update update) {
        // writing to the bot is what a person who blocked it does after unblocking
        personas.block(p.id(), false);
        chats.add(p.id(), e);
        MessageView view = e.view();
        deliver(p, update);
        return view;
    }

    private void deliver(Persona p, Update update) {
        try {
            updates.receive(List.of(update));
        } catch (RuntimeException ex) {
            log.error("The pipeline refused sandbox update {}", update.getUpdateId(), ex);
            chats.note(p.id(), texts.text(p.language(), "sandbox.note.pipeline-failed", "error", String.valueOf(ex.getMessage())));
        }
    }

    private Persona persona(long id) {
        return personas.find(id).orElseThrow(() -> new NoSuchElementException("No persona " + id));
    }

    private static String cleanName(String name) {
        String n = name == null ? "" : name.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}]", "").strip();
        if (n.isEmpty()) n = "file";
        return n.length() > 128 ? n.substring(n.length() - 128) : n;
    }

    private static int[] imageSize(byte[] bytes) {
        try {
            var image = ImageIO.read(new ByteArrayInputStream(bytes));
            return image == null ? null : new int[]{image.getWidth(), image.getHeight()};
        } catch (Exception e) {
            return null;
        }
    }
}
