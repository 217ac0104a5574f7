package io.partnerka.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Login attempts are limited per username and per client address ({@link LoginAttempts}): each password check takes
 * a token of both before Spring Security checks the password, and gets it back when the login succeeds. With a
 * bucket empty the attempt is refused unchecked, the right password too (else guessing could go on until it hits).
 */
class LoginThrottle extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    private static final Duration REPORT_EVERY = Duration.ofMinutes(1);

    private final LoginAttempts attempts;
    private final AtomicLong byAddress = new AtomicLong();
    private final AtomicLong byUsername = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - REPORT_EVERY.toNanos());

    LoginThrottle(AdminProperties.Login limits, Predicate<String> realUser) {
        this.attempts = new LoginAttempts(limits, realUser);
    }

    /** Usernames as the throttle counts them: "Boss" and " boss" are guesses at the same account. */
    static String normalise(String username) {
        return String.valueOf(username).strip().toLowerCase(Locale.ROOT);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && "/admin/login".equals(request.getServletPath()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String username = normalise(request.getParameter("username"));
        String address = request.getRemoteAddr();
        LoginAttempts.Result result = attempts.acquire(username, address);
        if (result.lease().isEmpty()) {
            report(result.refusal());
            response.sendRedirect(request.getContextPath() + "/admin/login?throttled");
            return;
        }
        chain.doFilter(request, response);
        if (authenticated()) attempts.succeeded(username, address, result.lease().get());
    }

    /** A flood of refused attempts is one warning a minute with counts, not a line each (the log is no target). */
    private void report(LoginAttempts.Refusal why) {
        (why == LoginAttempts.Refusal.ADDRESS ? byAddress : byUsername).incrementAndGet();
        long now = System.nanoTime();
        long last = lastReport.get();
        if (now - last < REPORT_EVERY.toNanos() || !lastReport.compareAndSet(last, now)) return;
        log.warn("Admin login attempts throttled: {} by client address, {} by username since the last report",
                byAddress.getAndSet(0), byUsername.getAndSet(0));
    }

    /** Spring Security's login filter (after this one) has put the new login into the context, or cleared it. */
    private static boolean authenticated() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken);
    }
}
