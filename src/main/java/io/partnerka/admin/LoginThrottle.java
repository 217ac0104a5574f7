package io.partnerka.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
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

    private final LoginAttempts attempts;

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
            log.warn("Admin login attempts throttled ({})",
                    result.refusal() == LoginAttempts.Refusal.ADDRESS ? "client address" : "username");
            response.sendRedirect(request.getContextPath() + "/admin/login?throttled");
            return;
        }
        chain.doFilter(request, response);
        if (authenticated()) attempts.succeeded(username, address, result.lease().get());
    }

    /** Spring Security's login filter (after this one) has put the new login into the context, or cleared it. */
    private static boolean authenticated() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken);
    }
}
