package io.partnerka.platform;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.StringUtils;

/**
 * The OpenAPI document ({@code /v3/api-docs}) and Swagger UI are on in the sandbox and off in production unless
 * {@code PARTNERKA_API_DOCS=true} ({@code partnerka.api-docs}). A default, not a rule: an explicit
 * {@code springdoc.api-docs.enabled} / {@code springdoc.swagger-ui.enabled} still wins. The value is worked out when
 * springdoc asks (not when the environment is prepared), so properties added later (tests' dynamic properties) count.
 */
public class ApiDocsSwitch implements EnvironmentPostProcessor, Ordered {

    public static final String SWITCH = "partnerka.api-docs";
    static final String API_DOCS = "springdoc.api-docs.enabled";
    static final String SWAGGER_UI = "springdoc.swagger-ui.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new Defaults(environment));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** On when switched on explicitly, else only outside production. */
    static boolean enabled(ConfigurableEnvironment env) {
        String explicit = env.getProperty(SWITCH);
        if (StringUtils.hasText(explicit)) return Boolean.parseBoolean(explicit.strip());
        return !RunMode.production(env);
    }

    /**
     * The environment in a holder: a property source whose source is the environment itself would be taken for a
     * nested environment by Boot's binder, which would walk into it again and again.
     */
    record Environment(ConfigurableEnvironment env) {
    }

    static final class Defaults extends PropertySource<Environment> {

        Defaults(ConfigurableEnvironment environment) {
            super("partnerkaApiDocsDefaults", new Environment(environment));
        }

        @Override
        public Object getProperty(String name) {
            if (!API_DOCS.equals(name) && !SWAGGER_UI.equals(name)) return null;
            return String.valueOf(enabled(getSource().env()));
        }
    }
}
