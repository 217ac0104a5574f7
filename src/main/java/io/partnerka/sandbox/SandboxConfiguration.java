package io.partnerka.sandbox;

import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Roles;
import io.partnerka.platform.RunMode;
import io.partnerka.telegram.TelegramUpdates;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.CacheControl;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Sandbox mode ({@link RunMode#sandbox}: nothing configured, or {@code PARTNERKA_SANDBOX=true}): the in-memory chats,
 * the personas, the {@code TelegramClient} that captures what the bot sends (in place of the real one, which then
 * does not exist), and the page's assets. None of it exists otherwise.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RunMode.SandboxOn.class)
class SandboxConfiguration implements WebMvcConfigurer {

    @Bean
    SandboxChats sandboxChats() {
        return new SandboxChats();
    }

    @Bean
    SandboxIds sandboxIds(JdbcClient jdbc) {
        return new SandboxIds(jdbc);
    }

    @Bean
    SandboxPersonas sandboxPersonas(JdbcClient jdbc, Roles roles,
                                    @Value("${partnerka.sandbox.manager-id:100}") long managerId) {
        return new SandboxPersonas(jdbc, managerId,
                roles.managerIds().stream().filter(id -> id != managerId).toList());
    }

    @Bean
    SandboxTexts sandboxTexts(Messages messages) {
        return new SandboxTexts(messages);
    }

    @Bean
    UpdateFactory sandboxUpdateFactory(TelegramUpdates updates) {
        return new UpdateFactory(updates::newUpdateId);
    }

    /** The Bot API the bot talks to in sandbox mode. */
    @Bean
    SandboxTelegramClient sandboxTelegramClient(SandboxChats chats, SandboxPersonas personas, SandboxIds ids,
                                                SandboxTexts texts) {
        return new SandboxTelegramClient(chats, personas, ids, texts);
    }

    @Bean
    SandboxActions sandboxActions(SandboxChats chats, SandboxPersonas personas, SandboxIds ids, UpdateFactory factory,
                                  TelegramUpdates updates, SandboxTexts texts) {
        return new SandboxActions(chats, personas, ids, factory, updates, texts);
    }

    /** Pages waiting for news are answered at shutdown, so no request holds the server up. */
    @Bean
    ApplicationListener<ContextClosedEvent> sandboxWakeOnClose(SandboxChats chats) {
        return event -> chats.wakeAll();
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/sandbox/assets/**")
                .addResourceLocations("classpath:/sandbox/")
                .setCacheControl(CacheControl.maxAge(Duration.ZERO).mustRevalidate());
    }
}
