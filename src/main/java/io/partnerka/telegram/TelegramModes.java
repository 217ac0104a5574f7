package io.partnerka.telegram;

import io.partnerka.platform.RunMode;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Which way the bot talks to Telegram: not at all (no token: headless, or the sandbox supplies the client), long
 * polling, or a webhook. A sandbox switched on by name replaces Telegram even when a token is set, so there is only
 * ever one {@code TelegramClient} (see {@link RunMode#telegram}).
 */
final class TelegramModes {

    private TelegramModes() {
    }

    private static boolean set(ConditionContext context, String key) {
        String value = context.getEnvironment().getProperty(key);
        return value != null && !value.isBlank();
    }

    /** A bot token is configured and the sandbox is off: the real Bot API client exists. */
    static final class OnToken implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return RunMode.telegram(context.getEnvironment());
        }
    }

    /** The real Bot API and no webhook URL: long polling. */
    static final class OnPolling implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return RunMode.telegram(context.getEnvironment()) && !set(context, "partnerka.telegram.webhook-url");
        }
    }

    /** The real Bot API and a webhook URL: Telegram posts updates to us. */
    static final class OnWebhook implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return RunMode.telegram(context.getEnvironment()) && set(context, "partnerka.telegram.webhook-url");
        }
    }
}
