package io.partnerka.sandbox;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/** Sandbox mode: no Telegram bot token is configured ({@code TELEGRAM_BOT_TOKEN} unset or blank). */
class SandboxMode implements Condition {

    static final String TOKEN = "partnerka.telegram.token";

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return !StringUtils.hasText(context.getEnvironment().getProperty(TOKEN));
    }

    /** The opposite: a token is set, the bot talks to Telegram. */
    static class Off implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty(TOKEN));
        }
    }
}
