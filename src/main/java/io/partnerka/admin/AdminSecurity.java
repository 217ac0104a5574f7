package io.partnerka.admin;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Security covers the back office only: {@code /admin/**} (form login, session, CSRF) and {@code /api/v1/**} (bearer
 * tokens, stateless, no cookies hence no CSRF). Everything else keeps its own protection and stays outside these
 * chains: the sandbox (only without a bot token), the Telegram webhook (secret header), the CRM endpoints (HMAC), the
 * public certificate pages, actuator health, webjars and the OpenAPI document (off in production unless enabled).
 * {@code /actuator/prometheus} has a chain of its own, a bearer token (platform.MetricsEndpointSecurity).
 */
@Configuration
@EnableWebSecurity
class AdminSecurity {

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiChain(HttpSecurity http, AdminProperties properties, AdminAccounts accounts) throws Exception {
        ApiTokens tokens = new ApiTokens(properties, accounts);
        http.securityMatcher("/api/v1/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.POST, "/api/v1/drip/chains/*/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/users/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/requisites/**").hasRole("ADMIN")
                        .anyRequest().hasRole("MANAGER"))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // bearer tokens, no cookies: nothing a forged cross-site request could ride on
                .csrf(c -> c.disable())
                .requestCache(c -> c.disable())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> problem(res, 401, "A valid API token is required (Authorization: Bearer <token>)"))
                        .accessDeniedHandler((req, res, ex) -> problem(res, 403, "This token may not do that")))
                .addFilterBefore(tokens, BasicAuthenticationFilter.class);
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain adminChain(HttpSecurity http, AdminProperties properties, AdminAccounts accounts) throws Exception {
        http.securityMatcher("/admin", "/admin/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/admin/login", "/admin/denied", "/admin/assets/**").permitAll()
                        .requestMatchers("/admin/users/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/admin/drip/**").hasRole("ADMIN")
                        .anyRequest().hasRole("MANAGER"))
                .formLogin(f -> f.loginPage("/admin/login").loginProcessingUrl("/admin/login")
                        .successHandler(FirstLoginGate.successHandler(accounts)).failureUrl("/admin/login?error").permitAll())
                .logout(l -> l.logoutUrl("/admin/logout").logoutSuccessUrl("/admin/login?logout"))
                .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
                .headers(h -> h
                        .frameOptions(f -> f.deny())
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .contentSecurityPolicy(c -> c.policyDirectives(
                                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                        + "form-action 'self'; frame-ancestors 'none'")))
                .exceptionHandling(e -> e.accessDeniedPage("/admin/denied"))
                .addFilterBefore(new LoginThrottle(properties.login(), realUser(accounts)), UsernamePasswordAuthenticationFilter.class)
                // the generated admin's first login: nothing but the password page until the password is replaced
                .addFilterAfter(new FirstLoginGate(accounts), AuthorizationFilter.class);
        return http.build();
    }

    /** The usernames someone can log in with (configured users, else the generated admin), as the throttle counts them. */
    private static Predicate<String> realUser(AdminAccounts accounts) {
        Set<String> configured = accounts.configuredUsers().stream()
                .map(u -> LoginThrottle.normalise(u.username())).collect(Collectors.toUnmodifiableSet());
        return configured.isEmpty() ? AdminAccounts.GENERATED_ADMIN::equals : configured::contains;
    }

    static void problem(HttpServletResponse res, int status, String detail) throws IOException {
        res.setStatus(status);
        if (status == 401) res.setHeader("WWW-Authenticate", "Bearer");
        res.setContentType("application/problem+json");
        res.getWriter().write("{\"status\":" + status + ",\"detail\":\"" + detail + "\"}");
    }
}
