package io.partnerka.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.partnerka.PartnerkaTest;
import io.partnerka.sandbox.SandboxChats.MessageView;
import io.partnerka.sandbox.SandboxPersonas.Persona;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.GetFile;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.commands.GetMyCommands;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScopeChat;
import org.telegram.telegrambots.meta.api.methods.polls.SendPoll;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageReplyMarkup;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.File;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardRemove;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/** The capture client answers like the Bot API, and the update builders produce Telegram's JSON. */
@PartnerkaTest
class SandboxTelegramClientTests {

    @Autowired
    TelegramClient client;
    @Autowired
    SandboxChats chats;
    @Autowired
    SandboxPersonas personas;
    @Autowired
    UpdateFactory updates;

    private final ObjectMapper json = new ObjectMapper();

    private long newChat() {
        return personas.add("Тест", "ru").id();
    }

    private static InlineKeyboardMarkup buttons(String... textAndData) {
        InlineKeyboardRow row = new InlineKeyboardRow();
        for (int i = 0; i < textAndData.length; i += 2) {
            row.add(InlineKeyboardButton.builder().text(textAndData[i]).callbackData(textAndData[i + 1]).build());
        }
        return InlineKeyboardMarkup.builder().keyboardRow(row).build();
    }

    private List<MessageView> history(long chatId) {
        return chats.changes(chatId, 0).messages();
    }

    @Test
    void theSandboxIsTheTelegramClientInSandboxMode() throws Exception {
        assertThat(client).isInstanceOf(SandboxTelegramClient.class);
        assertThat(client.execute(new GetMe()).getUserName()).isEqualTo("partnerka_sandbox_bot");
        assertThat(client.execute(new GetMe()).getIsBot()).isTrue();
        assertThat(client.execute(SetWebhook.builder().url("https://example.org/hook").build())).isTrue();
        assertThat(client.execute(new DeleteWebhook())).isTrue();
    }

    @Test
    void sendMessageCapturesSafeHtmlAndButtonsAndAnswersWithAMessage() throws Exception {
        long chat = newChat();
        Message first = client.execute(SendMessage.builder().chatId(chat).parseMode("HTML")
                .text("<b>Привет</b>, &lt;script&gt;alert(1)&lt;/script&gt; <a href=\"javascript:alert(1)\">x</a> "
                        + "<a href=\"https://example.org/?a=1&amp;b=2\">сайт</a>")
                .replyMarkup(buttons("Да", "y", "Нет", "n")).build());
        Message second = client.execute(SendMessage.builder().chatId(chat).text("plain <b>").build());

        assertThat(first.getMessageId()).isPositive();
        assertThat(second.getMessageId()).isGreaterThan(first.getMessageId());
        assertThat(first.getFrom().getUserName()).isEqualTo("partnerka_sandbox_bot");
        assertThat(first.getChatId()).isEqualTo(chat);
        assertThat(first.getChat().getType()).isEqualTo("private");
        assertThat(first.getText()).isEqualTo("Привет, <script>alert(1)</script> x сайт");
        assertThat(first.getEntities()).extracting("type").containsExactly("bold", "text_link");
        assertThat(first.getEntities().get(1).getUrl()).isEqualTo("https://example.org/?a=1&b=2");
        assertThat(first.getReplyMarkup().getKeyboard().get(0)).extracting("callbackData").containsExactly("y", "n");

        List<MessageView> shown = history(chat);
        assertThat(shown).hasSize(2);
        assertThat(shown.get(0).html()).isEqualTo("<b>Привет</b>, &lt;script&gt;alert(1)&lt;/script&gt; <span>x</span> "
                + "<a href=\"https://example.org/?a=1&amp;b=2\" target=\"_blank\" rel=\"noopener noreferrer\">сайт</a>");
        assertThat(shown.get(0).buttons().get(0)).extracting("text").containsExactly("Да", "Нет");
        assertThat(shown.get(1).html()).as("no parse_mode: shown as written").isEqualTo("plain &lt;b&gt;");
    }

    @Test
    void htmlTelegramWouldRefuseIsRefusedWithTelegramsErrorAndANoteInTheChat() throws Exception {
        long chat = newChat();
        assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(chat).parseMode("HTML")
                .text("<div>hi</div>").build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(400);
                    assertThat(e.getApiResponse()).contains("can't parse entities").contains("Unsupported start tag \"div\"");
                });
        assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(chat).parseMode("HTML")
                .text("<b>bold <i>both</b></i>").build()))
                .isInstanceOf(TelegramApiRequestException.class).hasMessageContaining("parse");
        assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(chat).text("x".repeat(4097)).build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("message is too long"));
        InlineKeyboardMarkup script = InlineKeyboardMarkup.builder().keyboardRow(new InlineKeyboardRow(
                InlineKeyboardButton.builder().text("x").url("javascript:alert(1)").build())).build();
        assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(chat).text("Ссылка").replyMarkup(script).build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("BUTTON_URL_INVALID"));
        assertThat(history(chat)).extracting(MessageView::from).containsOnly(SandboxChats.Sender.SYSTEM);
        assertThat(history(chat).get(0).text()).contains("Unsupported start tag");
    }

    @Test
    void editsChangeTheMessageInPlaceAndRefuseLikeTelegram() throws Exception {
        long chat = newChat();
        Message sent = client.execute(SendMessage.builder().chatId(chat).text("Вопрос?").replyMarkup(buttons("A", "a")).build());
        long seqBefore = chats.seq();

        Serializable edited = client.execute(EditMessageText.builder().chatId(chat).messageId(sent.getMessageId())
                .text("<i>Ответ принят</i>").parseMode("HTML").build());

        assertThat(edited).isInstanceOfSatisfying(Message.class, m -> {
            assertThat(m.getMessageId()).isEqualTo(sent.getMessageId());
            assertThat(m.getEditDate()).isNotNull();
        });
        MessageView view = history(chat).get(0);
        assertThat(view.html()).isEqualTo("<i>Ответ принят</i>");
        assertThat(view.edited()).isTrue();
        assertThat(view.buttons()).as("an edit without reply_markup drops the inline keyboard").isEmpty();
        assertThat(chats.changes(chat, seqBefore).messages()).extracting(MessageView::id).containsExactly(sent.getMessageId());

        assertThatThrownBy(() -> client.execute(EditMessageText.builder().chatId(chat).messageId(sent.getMessageId())
                .text("<i>Ответ принят</i>").parseMode("HTML").build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("message is not modified"));
        assertThatThrownBy(() -> client.execute(EditMessageText.builder().chatId(chat).messageId(999_999).text("x").build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("message to edit not found"));

        client.execute(EditMessageReplyMarkup.builder().chatId(chat).messageId(sent.getMessageId())
                .replyMarkup(buttons("B", "b")).build());
        assertThat(history(chat).get(0).buttons().get(0)).extracting("data").containsExactly("b");

        assertThat(client.execute(DeleteMessage.builder().chatId(chat).messageId(sent.getMessageId()).build())).isTrue();
        assertThat(history(chat).get(0).deleted()).isTrue();
        assertThatThrownBy(() -> client.execute(DeleteMessage.builder().chatId(chat).messageId(sent.getMessageId()).build()))
                .isInstanceOf(TelegramApiRequestException.class);
    }

    @Test
    void replyKeyboardsStayUntilRemoved() throws Exception {
        long chat = newChat();
        KeyboardRow row = new KeyboardRow(List.of(KeyboardButton.builder().text("📱 Отправить мой номер").requestContact(true).build(),
                KeyboardButton.builder().text("Меню").build()));
        client.execute(SendMessage.builder().chatId(chat).text("Телефон?")
                .replyMarkup(ReplyKeyboardMarkup.builder().keyboardRow(row).resizeKeyboard(true).build()).build());

        SandboxChats.Keyboard keyboard = chats.changes(chat, 0).keyboard();
        assertThat(keyboard.rows().get(0)).containsExactly(new SandboxChats.KeyButton("📱 Отправить мой номер", true),
                new SandboxChats.KeyButton("Меню", false));
        assertThat(keyboard.resize()).isTrue();

        client.execute(SendMessage.builder().chatId(chat).text("Ещё").build());
        assertThat(chats.changes(chat, 0).keyboard()).as("a message without markup leaves the keyboard").isNotNull();

        client.execute(SendMessage.builder().chatId(chat).text("Готово")
                .replyMarkup(ReplyKeyboardRemove.builder().removeKeyboard(true).build()).build());
        assertThat(chats.changes(chat, 0).keyboard()).isNull();
    }

    @Test
    void documentsKeepTheirBytesForDownloadAndGetFile() throws Exception {
        long chat = newChat();
        byte[] pdf = "%PDF-1.4 sandbox".getBytes(StandardCharsets.US_ASCII);
        Message sent = client.execute(SendDocument.builder().chatId(chat)
                .document(new InputFile(new ByteArrayInputStream(pdf), "invoice-7.pdf")).caption("<b>Счёт</b>")
                .parseMode("HTML").build());

        assertThat(sent.getDocument().getFileName()).isEqualTo("invoice-7.pdf");
        assertThat(sent.getDocument().getMimeType()).isEqualTo("application/pdf");
        assertThat(sent.getDocument().getFileSize()).isEqualTo(pdf.length);
        assertThat(sent.getCaption()).isEqualTo("Счёт");
        MessageView view = history(chat).get(0);
        assertThat(view.kind()).isEqualTo(SandboxChats.Kind.DOCUMENT);
        assertThat(view.html()).isEqualTo("<b>Счёт</b>");
        assertThat(chats.file(view.file().fileId())).get().extracting(SandboxChats.StoredFile::content).isEqualTo(pdf);

        File file = client.execute(new GetFile(sent.getDocument().getFileId()));
        assertThat(file.getFileSize()).isEqualTo(pdf.length);
        try (var in = client.downloadFileAsStream(file)) {
            assertThat(in.readAllBytes()).isEqualTo(pdf);
        }

        Message again = client.execute(SendDocument.builder().chatId(chat).document(new InputFile(sent.getDocument().getFileId())).build());
        assertThat(again.getDocument().getFileId()).as("resending by file_id").isEqualTo(sent.getDocument().getFileId());
    }

    @Test
    void callbackAnswersReachTheChatOfThePress() throws Exception {
        long chat = newChat();
        chats.callbackSent("cb-1", chat);
        long seq = chats.seq();
        assertThat(client.execute(AnswerCallbackQuery.builder().callbackQueryId("cb-1").text("Сохранено").build())).isTrue();
        assertThat(chats.changes(chat, seq).answers()).singleElement().satisfies(a -> {
            assertThat(a.callbackId()).isEqualTo("cb-1");
            assertThat(a.text()).isEqualTo("Сохранено");
            assertThat(a.alert()).isFalse();
        });
        assertThatThrownBy(() -> client.execute(AnswerCallbackQuery.builder().callbackQueryId("nobody").build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> assertThat(e.getErrorCode()).isEqualTo(400));
    }

    @Test
    void commandMenusPerLanguageAndChatAsTelegramResolvesThem() throws Exception {
        // the telegram module registered the menu at start, per language
        assertThat(chats.commandsFor(1001, "ru")).extracting(SandboxChats.Command::command).contains("start", "help");
        assertThat(chats.commandsFor(1001, "en")).extracting(SandboxChats.Command::description).contains("What I can do");

        long chat = newChat();
        client.execute(SetMyCommands.builder().scope(new BotCommandScopeChat(String.valueOf(chat)))
                .command(new BotCommand("pending", "Ждут решения")).build());
        assertThat(chats.commandsFor(chat, "ru")).extracting(SandboxChats.Command::command).containsExactly("pending");
        assertThat(chats.commandsFor(chat, "en")).as("a chat's own menu, whatever the language").hasSize(1);
        assertThat(client.execute(GetMyCommands.builder().scope(new BotCommandScopeChat(String.valueOf(chat))).build()))
                .extracting(BotCommand::getCommand).containsExactly("pending");
    }

    @Test
    void aPersonaWhoBlockedTheBotGets403() throws Exception {
        long chat = newChat();
        personas.block(chat, true);
        try {
            assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(chat).text("Hi").build()))
                    .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(403);
                        assertThat(e.getApiResponse()).contains("bot was blocked by the user");
                    });
        } finally {
            personas.block(chat, false);
        }
    }

    @Test
    void methodsTheSandboxDoesNotPlayAreRefusedClearly() {
        assertThatThrownBy(() -> client.execute(SendPoll.builder().chatId(1001L).question("?").option(
                org.telegram.telegrambots.meta.api.objects.polls.input.InputPollOption.builder().text("a").build()).option(
                org.telegram.telegrambots.meta.api.objects.polls.input.InputPollOption.builder().text("b").build()).build()))
                .isInstanceOf(TelegramApiException.class).hasMessageContaining("sandbox does not play").hasMessageContaining("sendPoll");
    }

    // ---- the updates the sandbox builds ------------------------------------------------------------------------------

    @Test
    void aCommandBecomesATelegramShapedMessageUpdate() throws Exception {
        Persona anna = personas.find(1001).orElseThrow();
        Update first = updates.text(anna, 41, "/start ref_abc");
        Update second = updates.text(anna, 42, "hello");

        JsonNode u = json.readTree(json.writeValueAsString(first));
        assertThat(u.get("update_id").asInt()).isPositive();
        assertThat(second.getUpdateId()).isGreaterThan(first.getUpdateId());
        JsonNode m = u.get("message");
        assertThat(m.get("message_id").asInt()).isEqualTo(41);
        assertThat(m.get("date").asLong()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
        assertThat(m.get("text").asText()).isEqualTo("/start ref_abc");
        assertThat(m.at("/from/id").asLong()).isEqualTo(1001);
        assertThat(m.at("/from/is_bot").asBoolean()).isFalse();
        assertThat(m.at("/from/first_name").asText()).isEqualTo("Анна");
        assertThat(m.at("/from/language_code").asText()).isEqualTo("ru");
        assertThat(m.at("/chat/id").asLong()).isEqualTo(1001);
        assertThat(m.at("/chat/type").asText()).isEqualTo("private");
        assertThat(m.at("/entities/0/type").asText()).isEqualTo("bot_command");
        assertThat(m.at("/entities/0/offset").asInt()).isZero();
        assertThat(m.at("/entities/0/length").asInt()).isEqualTo(6);

        assertThat(first.getMessage().isCommand()).as("as built, without a JSON round trip").isTrue();
        assertThat(first.getMessage().getEntities().get(0).getText()).isEqualTo("/start");
        Update parsed = json.readValue(json.writeValueAsString(first), Update.class);
        // TelegramBots fills an entity's text in Message.getEntities(), and isCommand() needs it
        assertThat(parsed.getMessage().getEntities()).extracting("type", "text").containsExactly(
                org.assertj.core.groups.Tuple.tuple("bot_command", "/start"));
        assertThat(parsed.getMessage().isCommand()).isTrue();
        assertThat(json.readValue(json.writeValueAsString(second), Update.class).getMessage().isCommand()).isFalse();
        assertThat(second.getMessage().getEntities()).isNull();
    }

    @Test
    void callbacksContactsDocumentsAndStickersHaveTelegramsShape() throws Exception {
        Persona anna = personas.find(1001).orElseThrow();
        long chat = anna.id();
        Message botMessage = client.execute(SendMessage.builder().chatId(chat).text("Выберите").replyMarkup(buttons("A", "f:1:a")).build());

        JsonNode cb = json.readTree(json.writeValueAsString(updates.callback(anna, botMessage, "f:1:a", "4242")));
        assertThat(cb.at("/callback_query/id").asText()).isEqualTo("4242");
        assertThat(cb.at("/callback_query/data").asText()).isEqualTo("f:1:a");
        assertThat(cb.at("/callback_query/from/id").asLong()).isEqualTo(1001);
        assertThat(cb.at("/callback_query/chat_instance").asText()).isNotBlank();
        assertThat(cb.at("/callback_query/message/message_id").asInt()).isEqualTo(botMessage.getMessageId());
        assertThat(cb.at("/callback_query/message/from/is_bot").asBoolean()).isTrue();
        assertThat(cb.at("/callback_query/message/reply_markup/inline_keyboard/0/0/callback_data").asText()).isEqualTo("f:1:a");
        Update parsedCallback = json.readValue(cb.toString(), Update.class);
        assertThat(parsedCallback.getCallbackQuery().getMessage().getChatId()).isEqualTo(chat);

        JsonNode contact = json.readTree(json.writeValueAsString(updates.contact(anna, 50)));
        assertThat(contact.at("/message/contact/phone_number").asText()).isEqualTo("79161234567");
        assertThat(contact.at("/message/contact/user_id").asLong()).isEqualTo(1001);
        assertThat(contact.at("/message/contact/first_name").asText()).isEqualTo("Анна");

        SandboxChats.StoredFile file = SandboxTelegramClient.newFile("contract.pdf", new byte[]{1, 2, 3});
        JsonNode doc = json.readTree(json.writeValueAsString(updates.document(anna, 51, file, "подписан")));
        assertThat(doc.at("/message/document/file_id").asText()).isEqualTo(file.fileId());
        assertThat(doc.at("/message/document/file_unique_id").asText()).isEqualTo(file.uniqueId());
        assertThat(doc.at("/message/document/file_name").asText()).isEqualTo("contract.pdf");
        assertThat(doc.at("/message/document/mime_type").asText()).isEqualTo("application/pdf");
        assertThat(doc.at("/message/document/file_size").asLong()).isEqualTo(3);
        assertThat(doc.at("/message/caption").asText()).isEqualTo("подписан");

        JsonNode sticker = json.readTree(json.writeValueAsString(updates.sticker(anna, 52, "👍")));
        assertThat(sticker.at("/message/sticker/emoji").asText()).isEqualTo("👍");
        assertThat(sticker.at("/message/sticker/type").asText()).isEqualTo("regular");
        assertThat(sticker.at("/message/text").isMissingNode()).isTrue();
    }
}
