package io.partnerka.platform;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/** The request body caps of every endpoint ({@link BodyLimits}), applied before anything else reads a body. */
@Configuration(proxyBeanMethods = false)
class BodyLimitsConfiguration {

    /** Paths that bound their own body after checking who is calling (the webhook's secret comes first). */
    static final List<String> SELF_LIMITED = List.of("/telegram/webhook");

    @Bean
    FilterRegistrationBean<BodyLimits> bodyLimits(@Value("${partnerka.http.max-body:256KB}") DataSize maxBody,
                                                  @Value("${partnerka.http.max-body-by-path:}") List<String> byPath) {
        FilterRegistrationBean<BodyLimits> registration =
                new FilterRegistrationBean<>(new BodyLimits(maxBody, BodyLimits.parse(byPath), SELF_LIMITED));
        // right after the character encoding filter: before security, before any parameter or body is read
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
