package io.partnerka.telegram;

import io.partnerka.conversation.Chats;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.MiniAppLinks;
import io.partnerka.conversation.Roles;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.methods.menubutton.SetChatMenuButton;
import org.telegram.telegrambots.meta.api.objects.menubutton.MenuButtonWebApp;
import org.telegram.telegrambots.meta.api.objects.webapp.WebAppInfo;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScope;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScopeChat;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScopeDefault;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * At start, in every mode: registers the command menu in each language (and, for other clients, in the default
 * language), the menu button that opens the Mini App (when Telegram can open it: an https public URL, or the
 * sandbox) and asks getMe who the bot is. Runs in the background; failures are logged, never fatal (getMe is
 * retried, because deep links need the real username).
 */
@Component
class BotSetup {

    private static final Logger log = LoggerFactory.getLogger(BotSetup.class);

    private final ObjectProvider<TelegramClient> clients;
    private final Messages messages;
    private final BotIdentity identity;
    private final TelegramProperties properties;
    private final Roles roles;
    private final MiniAppLinks miniApp;
    private final Chats chats;
    private volatile boolean closing;
    private Thread worker;

    /** Per-chat menu buttons (their text in the chat's language) go to at most this many chats per language. */
    static final int MENU_BUTTON_CHATS = 5_000;

    BotSetup(ObjectProvider<TelegramClient> clients, Messages messages, BotIdentity identity, TelegramProperties properties,
             Roles roles, MiniAppLinks miniApp, Chats chats) {
        this.roles = roles;
        this.miniApp = miniApp;
        this.chats = chats;
        this.clients = clients;
        this.messages = messages;
        this.identity = identity;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        TelegramClient client = clients.getIfAvailable();
        if (client == null) {
            log.info("No TelegramClient: the command menu is not registered");
            return;
        }
        worker = InboxProcessor.threads("telegram-setup-").newThread(() -> setUp(client));
        worker.start();
    }

    @EventListener(ContextClosedEvent.class)
    void onClose() {
        closing = true;
        if (worker != null) worker.interrupt();
    }

    private void setUp(TelegramClient client) {
        boolean known = whoAmI(client);
        registerCommands(client);
        registerMenuButton(client);
        long backoff = 2_000;
        // the real Bot API may be unreachable for a while; the sandbox answers at once or never
        while (!known && !closing && properties.hasToken()) {
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, 300_000);
            known = whoAmI(client);
        }
    }

    private boolean whoAmI(TelegramClient client) {
        try {
            User me = client.execute(new GetMe());
            if (me == null || me.getId() == null) throw new IllegalStateException("getMe answered nothing");
            identity.confirm(me.getId(), me.getUserName());
            log.info("Bot is @{} (id {})", identity.username(), me.getId());
            return true;
        } catch (Exception e) {
            log.warn("getMe failed ({}); deep links use @{} meanwhile", Failures.describe(e), identity.username());
            return false;
        }
    }

    void registerCommands(TelegramClient client) {
        register(client, properties.commands(), new BotCommandScopeDefault());
        // managers have a menu of their own, set per chat: a partner's menu never lists manager commands
        for (long manager : roles.managerIds()) {
            register(client, properties.managerCommands(), new BotCommandScopeChat(String.valueOf(manager)));
        }
    }

    /**
     * The menu button opens the Mini App. Telegram keeps one default button (no language variants), so the default
     * gets the default language's text and chats that read another language get a button of their own. Telegram
     * opens Mini Apps only over HTTPS: with a plain-http public URL the button is left as it is (said once).
     */
    void registerMenuButton(TelegramClient client) {
        if (!miniApp.available()) {
            log.info("The menu button does not open the Mini App: partnerka.public-url ({}) is not https, and Telegram "
                    + "opens Mini Apps only over HTTPS (set PARTNERKA_PUBLIC_URL=https://...)", miniApp.url());
            return;
        }
        if (!setMenuButton(client, null, messages.defaultLanguage())) return;
        int set = 0;
        for (String language : messages.languages()) {
            if (language.equals(messages.defaultLanguage())) continue;
            for (long chat : chats.reading(language, MENU_BUTTON_CHATS)) {
                if (closing) return;
                if (setMenuButton(client, chat, language)) set++;
                if (properties.hasToken()) pause(); // stay well under Telegram's ~30 calls a second
            }
        }
        log.info("Menu button opens the Mini App at {} (default in {}, {} chats in another language)", miniApp.url(),
                messages.defaultLanguage(), set);
    }

    private boolean setMenuButton(TelegramClient client, Long chatId, String language) {
        try {
            var button = MenuButtonWebApp.builder().text(messages.text(language, "telegram.menu-button"))
                    .webAppInfo(new WebAppInfo(miniApp.url())).build();
            var call = SetChatMenuButton.builder().menuButton(button);
            if (chatId != null) call.chatId(chatId);
            client.execute(call.build());
            return true;
        } catch (Exception e) {
            log.warn("setChatMenuButton ({}) failed: {}", chatId == null ? "default" : "a chat in " + language,
                    Failures.describe(e));
            return false;
        }
    }

    private void pause() {
        try {
            Thread.sleep(40);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    private void register(TelegramClient client, List<String> names, BotCommandScope scope) {
        List<String> languages = new ArrayList<>();
        languages.add(null); // clients in any other language: the default language's descriptions
        languages.addAll(messages.languages());
        for (String language : languages) {
            List<BotCommand> commands = commands(names, language == null ? messages.defaultLanguage() : language);
            if (commands.isEmpty()) continue;
            try {
                client.execute(SetMyCommands.builder().commands(commands).scope(scope).languageCode(language).build());
            } catch (Exception e) {
                log.warn("setMyCommands ({}, {}) failed: {}", scope.getType(), language == null ? "default" : language,
                        Failures.describe(e));
            }
        }
    }

    List<BotCommand> commands(List<String> names, String language) {
        List<BotCommand> commands = new ArrayList<>();
        for (String name : names) {
            String command = name.strip().replaceFirst("^/", "");
            String key = "telegram.command." + command;
            if (!messages.has(language, key)) {
                log.warn("No description {} in {}: /{} is left out of the command menu", key, language, command);
                continue;
            }
            commands.add(new BotCommand(command, messages.text(language, key)));
        }
        return commands;
    }
}
