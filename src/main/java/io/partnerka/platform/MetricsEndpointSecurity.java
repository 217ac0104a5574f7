package io.partnerka.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /actuator/prometheus} answers only with {@code Authorization: Bearer <partnerka.metrics.token>}: 401 without
 * credentials, 403 with a wrong token, 404 when no token is configured (the endpoint is then not reachable at all).
 * The rest of the actuator stays as it was: only health is exposed, and it is public.
 */
@Configuration(proxyBeanMethods = false)
class MetricsEndpointSecurity {

    static final String PATH = "/actuator/prometheus";
    static final int MIN_TOKEN_LENGTH = 16;
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpointSecurity.class);

    @Bean
    @Order(0)
    SecurityFilterChain metricsChain(HttpSecurity http, @Value("${partnerka.metrics.token:}") String token) throws Exception {
        BearerToken filter = new BearerToken(token);
        http.securityMatcher(PATH, PATH + "/**")
                // the filter below decides; whoever gets past it may scrape
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .requestCache(c -> c.disable())
                .addFilterBefore(filter, BasicAuthenticationFilter.class);
        log.info(filter.expected == null ? "Metrics: {} is off (set PARTNERKA_METRICS_TOKEN to scrape it)"
                : "Metrics: {} is on, behind a bearer token", PATH);
        return http.build();
    }

    /** Checks the bearer token in constant time (digests compared, so not even the length shows). */
    static final class BearerToken extends OncePerRequestFilter {

        private final byte[] expected;

        BearerToken(String token) {
            String t = token == null ? "" : token.strip();
            if (!t.isEmpty() && t.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalStateException("partnerka.metrics.token (PARTNERKA_METRICS_TOKEN) must be at least "
                        + MIN_TOKEN_LENGTH + " characters; make one with: openssl rand -hex 24");
            }
            this.expected = t.isEmpty() ? null : sha256(t);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (expected == null) {
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                response.setHeader("WWW-Authenticate", "Bearer");
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                return;
            }
            if (!MessageDigest.isEqual(expected, sha256(header.substring(7).strip()))) {
                response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                return;
            }
            chain.doFilter(request, response);
        }

        private static byte[] sha256(String value) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
