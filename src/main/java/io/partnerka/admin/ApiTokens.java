package io.partnerka.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer tokens of /api/v1 from {@code partnerka.admin.api-tokens}: compared by their SHA-256 in constant time, so a
 * configuration may hold the hash instead of the token. A wrong token is simply not authenticated (401 follows).
 */
class ApiTokens extends OncePerRequestFilter {

    private record Known(byte[] sha256, AdminProperties.ApiToken token) {
    }

    private final List<Known> known;
    private final AdminAccounts accounts;

    ApiTokens(AdminProperties properties, AdminAccounts accounts) {
        this.accounts = accounts;
        this.known = properties.apiTokens().stream().map(t -> {
            if (t.name() == null || t.name().isBlank()) throw new IllegalStateException("partnerka.admin.api-tokens: every token needs a name");
            byte[] hash;
            if (t.tokenSha256() != null && !t.tokenSha256().isBlank()) {
                hash = HexFormat.of().parseHex(t.tokenSha256().strip().toLowerCase(Locale.ROOT));
            } else if (t.token() != null && t.token().length() >= 16) {
                hash = sha256(t.token());
            } else {
                throw new IllegalStateException("partnerka.admin.api-tokens: " + t.name() + " needs a token of at least 16 characters or token-sha256");
            }
            return new Known(hash, t);
        }).toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] presented = sha256(header.substring(7).strip());
            for (Known k : known) {
                if (MessageDigest.isEqual(presented, k.sha256())) {
                    Operator operator = accounts.tokenOperator(k.token());
                    var auth = new UsernamePasswordAuthenticationToken(operator, null, AdminAccounts.authorities(operator.role()));
                    SecurityContextHolder.getContext().setAuthentication(auth);
                    break;
                }
            }
        }
        chain.doFilter(request, response);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
