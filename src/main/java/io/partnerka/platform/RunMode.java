package io.partnerka.platform;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The two modes that must never be mistaken for each other. <b>Production</b>: a bot token or a datasource is
 * configured — durable database, required keys, bounded inputs, no generated secrets in logs. <b>Sandbox</b> (the
 * offline Telegram in the browser): only when nothing is configured, or when {@code PARTNERKA_SANDBOX=true} says so.
 */
public enum RunMode {
    SANDBOX, PRODUCTION;

    public static final String TOKEN = "partnerka.telegram.token";
    public static final String DATASOURCE = "spring.datasource.url";
    public static final String SANDBOX_SWITCH = "partnerka.sandbox.enabled";

    /** A token or a datasource is configured: everything real is at stake. */
    public static boolean production(PropertyResolver env) {
        return StringUtils.hasText(env.getProperty(TOKEN)) || StringUtils.hasText(env.getProperty(DATASOURCE));
    }

    /** The sandbox runs when switched on explicitly, or when nothing at all is configured and it is not switched off. */
    public static boolean sandbox(PropertyResolver env) {
        String explicit = env.getProperty(SANDBOX_SWITCH);
        if (StringUtils.hasText(explicit)) return Boolean.parseBoolean(explicit.strip());
        return !production(env);
    }

    /** {@code PARTNERKA_SANDBOX=true}: the operator asked for the sandbox by name. */
    public static boolean sandboxSwitchedOn(PropertyResolver env) {
        String explicit = env.getProperty(SANDBOX_SWITCH);
        return StringUtils.hasText(explicit) && Boolean.parseBoolean(explicit.strip());
    }

    /** A bot token is configured. */
    public static boolean hasToken(PropertyResolver env) {
        return StringUtils.hasText(env.getProperty(TOKEN));
    }

    /** The bot talks to the real Bot API: a token, and the sandbox not in its place. */
    public static boolean telegram(PropertyResolver env) {
        return hasToken(env) && !sandbox(env);
    }

    /** The sandbox was switched on by hand while a token or a datasource is configured (worth a loud warning). */
    public static boolean sandboxForced(PropertyResolver env) {
        return sandbox(env) && production(env);
    }

    public static RunMode of(PropertyResolver env) {
        return production(env) ? PRODUCTION : SANDBOX;
    }

    /** Beans of the sandbox. */
    public static final class SandboxOn implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return sandbox(context.getEnvironment());
        }
    }

    /** Beans that exist only without the sandbox (the real Telegram transport, the status page). */
    public static final class SandboxOff implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !sandbox(context.getEnvironment());
        }
    }

    /** Production mode (a token or a datasource configured). */
    public static final class Production implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return production(context.getEnvironment());
        }
    }
}
