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
 * Login attempts are limited per username and per client address (Bucket4j token buckets, per instance): guessing
 * a password gets slow, and a locked-out username does not lock out everyone behind the same address.
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
        boolean userOk = bucket("u:" + username, limits.perUsername()).tryConsume(1);
        boolean addressOk = bucket("a:" + request.getRemoteAddr(), limits.perAddress()).tryConsume(1);
        if (!userOk || !addressOk) {
            log.warn("Admin login attempts throttled ({})", userOk ? "client address" : "username");
            response.sendRedirect(request.getContextPath() + "/admin/login?throttled");
            return;
        }
        chain.doFilter(request, response);
    }

    private Bucket bucket(String key, int capacity) {
        if (buckets.size() > MAX_KEYS) buckets.clear(); // a flood of made-up usernames must not eat the memory
        return buckets.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, limits.window()).build())
                .build());
    }
}
