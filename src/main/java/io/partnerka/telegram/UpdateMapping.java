package io.partnerka.telegram;

import io.partnerka.conversation.Inbound;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.chat.Chat;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;

/** Where an update belongs, and what a private-chat update means as a transport-free {@link Inbound}. */
final class UpdateMapping {

    private static final Pattern COMMAND = Pattern.compile("^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?(\\s.*)?$", Pattern.DOTALL);

    private UpdateMapping() {
    }

    enum Kind {
        /** something a person did in a private chat with the bot: goes to the conversation engine */
        PRIVATE,
        /** a command in a group: answered once, politely, that the bot works in private chats */
        GROUP_COMMAND,
        /** the person blocked the bot (my_chat_member, status kicked): nothing more is sent until they write */
        BLOCKED,
        /** channel posts, edits, inline queries, group chatter...: recorded and marked processed at once */
        IGNORED
    }

    record Route(Kind kind, Long chatId) {
        static final Route IGNORED = new Route(Kind.IGNORED, null);
    }

    static Route route(Update u) {
        if (u.getMessage() != null) {
            Message m = u.getMessage();
            Chat chat = m.getChat();
            if (chat == null || chat.getId() == null) return Route.IGNORED;
            if (isPrivate(chat)) return new Route(Kind.PRIVATE, chat.getId());
            if (("group".equals(chat.getType()) || "supergroup".equals(chat.getType())) && isCommand(m.getText())) {
                return new Route(Kind.GROUP_COMMAND, chat.getId());
            }
            return Route.IGNORED;
        }
        if (u.getCallbackQuery() != null) {
            MaybeInaccessibleMessage m = u.getCallbackQuery().getMessage();
            if (m != null && m.getChat() != null && m.getChat().getId() != null && isPrivate(m.getChat())) return new Route(Kind.PRIVATE, m.getChat().getId());
            return Route.IGNORED;
        }
        if (u.getMyChatMember() != null) {
            var change = u.getMyChatMember();
            if (change.getChat() != null && change.getChat().getId() != null && isPrivate(change.getChat()) && change.getNewChatMember() != null
                    && "kicked".equals(change.getNewChatMember().getStatus())) {
                return new Route(Kind.BLOCKED, change.getChat().getId());
            }
        }
        return Route.IGNORED;
    }

    /** The inbound of a {@link Kind#PRIVATE} update. */
    static Inbound toInbound(Update u) {
        long updateId = u.getUpdateId();
        CallbackQuery cq = u.getCallbackQuery();
        if (cq != null) {
            User from = cq.getFrom();
            MaybeInaccessibleMessage m = cq.getMessage();
            long chatId = m.getChat().getId();
            return new Inbound(updateId, chatId, from == null ? chatId : from.getId(), firstName(from), username(from),
                    language(from), Inbound.Kind.CALLBACK, null, cq.getData(), cq.getId(), m.getMessageId(), null, null,
                    null, null, null);
        }
        Message m = u.getMessage();
        User from = m.getFrom();
        long chatId = m.getChat().getId();
        long userId = from == null ? chatId : from.getId();
        Integer replyTo = m.getReplyToMessage() == null ? null : m.getReplyToMessage().getMessageId();
        Inbound.Kind kind = Inbound.Kind.OTHER;
        String text = null;
        String phone = null;
        Long contactUserId = null;
        String fileId = null;
        String fileName = null;
        if (m.getText() != null) {
            text = m.getText();
            kind = isCommand(text) ? Inbound.Kind.COMMAND : Inbound.Kind.TEXT;
        } else if (m.getContact() != null) {
            kind = Inbound.Kind.CONTACT;
            phone = m.getContact().getPhoneNumber();
            contactUserId = m.getContact().getUserId();
        } else if (m.getDocument() != null) {
            kind = Inbound.Kind.DOCUMENT;
            text = m.getCaption();
            fileId = m.getDocument().getFileId();
            fileName = m.getDocument().getFileName();
        } else if (m.getPhoto() != null && !m.getPhoto().isEmpty()) {
            kind = Inbound.Kind.PHOTO;
            text = m.getCaption();
            fileId = largest(m.getPhoto()).getFileId();
        }
        return new Inbound(updateId, chatId, userId, firstName(from), username(from), language(from), kind, text, null,
                null, m.getMessageId(), replyTo, phone, contactUserId, fileId, fileName);
    }

    static boolean isCommand(String text) {
        return text != null && COMMAND.matcher(text).matches();
    }

    /** The bot a group command is addressed to ("/help@some_bot" -> "some_bot"), or null when it names none. */
    static String addressee(String command) {
        String head = command.strip().split("\\s+", 2)[0];
        int at = head.indexOf('@');
        return at < 0 ? null : head.substring(at + 1);
    }

    private static boolean isPrivate(Chat chat) {
        return "private".equals(chat.getType());
    }

    private static PhotoSize largest(List<PhotoSize> sizes) {
        return sizes.stream().max(Comparator.comparingLong(
                p -> (long) (p.getWidth() == null ? 0 : p.getWidth()) * (p.getHeight() == null ? 0 : p.getHeight())))
                .orElseThrow();
    }

    private static String firstName(User u) {
        return u == null ? null : clip(u.getFirstName(), 64);
    }

    private static String username(User u) {
        return u == null ? null : clip(u.getUserName(), 32);
    }

    /** Telegram's own limits (first name 64, username 32): whatever claims more is cut, not trusted to fit. */
    private static String clip(String s, int max) {
        if (s == null || s.length() <= max) return s;
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }

    private static String language(User u) {
        return u == null ? null : u.getLanguageCode();
    }
}
