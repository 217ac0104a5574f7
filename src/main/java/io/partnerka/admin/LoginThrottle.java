package io.partnerka.admin;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Failed login attempts are limited per username and per client address (Bucket4j token buckets, per instance):
 * each failure takes a token; with a bucket empty every attempt is refused unchecked, the right password too (else
 * guessing could go on until it hits), until the window refills it. Successful logins cost nothing.
 */
class LoginThrottle extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    private static final int MAX_KEYS = 10_000;

    private final AdminProperties.Login limits;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    LoginThrottle(AdminProperties.Login limits) {
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && "/admin/login".equals(request.getServletPath()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String username = String.valueOf(request.getParameter("username")).strip().toLowerCase(Locale.ROOT);
        Bucket user = bucket("u:" + username, limits.perUsername());
        Bucket address = bucket("a:" + request.getRemoteAddr(), limits.perAddress());
        boolean userOk = user.getAvailableTokens() > 0;
        if (!userOk || address.getAvailableTokens() <= 0) {
            log.warn("Admin login attempts throttled ({})", userOk ? "client address" : "username");
            response.sendRedirect(request.getContextPath() + "/admin/login?throttled");
            return;
        }
        chain.doFilter(request, response);
        String location = response.getHeader("Location");
        if (location != null && location.contains("/admin/login?error")) {
            user.tryConsume(1);
            address.tryConsume(1);
        }
    }

    private Bucket bucket(String key, int capacity) {
        if (buckets.size() > MAX_KEYS) buckets.clear(); // a flood of made-up usernames must not eat the memory
        return buckets.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, limits.window()).build())
                .build());
    }
}
