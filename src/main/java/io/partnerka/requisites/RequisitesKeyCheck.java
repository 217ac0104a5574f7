package io.partnerka.requisites;

import io.partnerka.platform.RunMode;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * In production the requisites key must come from outside the database: checked before any bean is made (before
 * the embedded database starts), so a missing or malformed key stops the start at once with what to do.
 */
@Configuration(proxyBeanMethods = false)
class RequisitesKeyCheck {

    static final String MISSING = """
            PARTNERKA_REQUISITES_KEY is not set. In production (a bot token or a datasource is configured) partners' \
            payout details are encrypted with a key kept outside the database.""";
    static final String ACTION = """
            Make a key with `openssl rand -base64 32`, store it safely (without it the stored account numbers cannot be \
            read) and set PARTNERKA_REQUISITES_KEY=<that value> (or partnerka.requisites.key). A key an earlier version \
            generated into the database keeps opening the values it sealed; move them to the new key with \
            POST /api/v1/requisites/reseal (README, "Rotating the requisites key").""";

    /** A missing or malformed key: the message says what is wrong and how to make a key (never the value). */
    static final class KeyProblem extends IllegalStateException {
        KeyProblem(String message) {
            super(message);
        }
    }

    @Bean
    static BeanFactoryPostProcessor requisitesKeyRequired(Environment env) {
        String key = env.getProperty(Vault.KEY);
        if (StringUtils.hasText(key)) {
            Vault.parse(key, "PARTNERKA_REQUISITES_KEY (partnerka.requisites.key)");
        } else if (RunMode.production(env)) {
            throw new KeyProblem(MISSING + " " + ACTION);
        }
        Vault.parseList(env.getProperty(Vault.OLD_KEYS));
        return beanFactory -> {
        };
    }

    /** Prints the problem as Spring Boot's "APPLICATION FAILED TO START" report instead of a stack trace. */
    static final class KeyProblemAnalyzer extends AbstractFailureAnalyzer<KeyProblem> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, KeyProblem cause) {
            return new FailureAnalysis(cause.getMessage(), "Make a key with `openssl rand -base64 32` and set "
                    + "PARTNERKA_REQUISITES_KEY (README, \"Running in production\").", cause);
        }
    }
}
