package io.partnerka.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The generated admin login (no users configured) must get a password of its own before anything else: after a login
 * with the generated password every page of /admin leads to {@code /admin/password} until it is changed. A session
 * remembers which password it was opened with, so once the password changes, sessions opened with the old one
 * (say by someone who read the file too) are over.
 */
final class FirstLoginGate extends OncePerRequestFilter {

    static final String PAGE = "/admin/password";
    static final String STAMP = FirstLoginGate.class.getName() + ".stamp";
    private final AdminAccounts accounts;

    FirstLoginGate(AdminAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            chain.doFilter(request, response);
            return;
        }
        Optional<AdminAccounts.GeneratedLogin> login = accounts.generatedLogin(auth.getName());
        if (login.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        HttpSession session = request.getSession(false);
        if (session == null || !login.get().stamp().equals(session.getAttribute(STAMP))) {
            // opened with a password that is no longer the one
            if (session != null) session.invalidate();
            SecurityContextHolder.clearContext();
            response.sendRedirect(request.getContextPath() + "/admin/login?expired");
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (login.get().mustChange() && !path.equals(PAGE) && !path.equals("/admin/logout") && !path.startsWith("/admin/assets/")) {
            response.sendRedirect(request.getContextPath() + PAGE);
            return;
        }
        chain.doFilter(request, response);
    }

    /** After a login: remember the password's stamp in the session; straight to the password page when it must change. */
    static AuthenticationSuccessHandler successHandler(AdminAccounts accounts) {
        SavedRequestAwareAuthenticationSuccessHandler usual = new SavedRequestAwareAuthenticationSuccessHandler();
        usual.setDefaultTargetUrl("/admin");
        return (request, response, auth) -> {
            Optional<AdminAccounts.GeneratedLogin> login = accounts.generatedLogin(auth.getName());
            if (login.isPresent()) {
                request.getSession().setAttribute(STAMP, login.get().stamp());
                if (login.get().mustChange()) {
                    response.sendRedirect(request.getContextPath() + PAGE);
                    return;
                }
            }
            usual.onAuthenticationSuccess(request, response, auth);
        };
    }
}
