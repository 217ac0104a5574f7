package io.partnerka.telegram;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Which way the bot talks to Telegram: nothing (sandbox: no token), long polling, or a webhook. */
final class TelegramModes {

    private TelegramModes() {
    }

    private static boolean set(ConditionContext context, String key) {
        String value = context.getEnvironment().getProperty(key);
        return value != null && !value.isBlank();
    }

    /** A bot token is configured: the real Bot API client exists. */
    static final class OnToken implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return set(context, "partnerka.telegram.token");
        }
    }

    /** A token and no webhook URL: long polling. */
    static final class OnPolling implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return set(context, "partnerka.telegram.token") && !set(context, "partnerka.telegram.webhook-url");
        }
    }

    /** A token and a webhook URL: Telegram posts updates to us. */
    static final class OnWebhook implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return set(context, "partnerka.telegram.token") && set(context, "partnerka.telegram.webhook-url");
        }
    }
}
