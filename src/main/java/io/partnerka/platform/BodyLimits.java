package io.partnerka.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.AntPathMatcher;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * No endpoint can be made to buffer an unbounded request body: each path has a cap ({@code partnerka.http.max-body},
 * overridden per path pattern by {@code partnerka.http.max-body-by-path}, the first matching pattern wins). A declared
 * Content-Length above the cap is answered 413 before anything reads the body. A body without a length (chunked) is
 * read here up to the cap (413 beyond it) and handed on from memory. Form and multipart bodies are parsed by Tomcat
 * itself, bounded by server.tomcat.max-http-form-post-size and spring.servlet.multipart.*. The Telegram webhook is
 * left to its controller, which must check the secret before it reads anything.
 */
final class BodyLimits extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(BodyLimits.class);
    private static final AntPathMatcher PATHS = new AntPathMatcher();

    record Limit(String pattern, long bytes) {
    }

    private final long defaultCap;
    private final List<Limit> limits;
    private final List<String> selfLimited;

    BodyLimits(DataSize defaultCap, List<Limit> limits, List<String> selfLimited) {
        this.defaultCap = defaultCap.toBytes();
        this.limits = List.copyOf(limits);
        this.selfLimited = List.copyOf(selfLimited);
    }

    /** {@code /sandbox/api/chats/*}{@code /document=21MB} entries, as in the configuration. */
    static List<Limit> parse(List<String> entries) {
        List<Limit> limits = new ArrayList<>();
        for (String entry : entries) {
            if (entry == null || entry.isBlank()) continue;
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) throw new IllegalStateException("partnerka.http.max-body-by-path: '" + entry + "' is not <path pattern>=<size>");
            limits.add(new Limit(entry.substring(0, eq).strip(), DataSize.parse(entry.substring(eq + 1).strip()).toBytes()));
        }
        return limits;
    }

    long capFor(String path) {
        for (Limit l : limits) if (PATHS.match(l.pattern(), path)) return l.bytes();
        return defaultCap;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return selfLimited.stream().anyMatch(p -> PATHS.match(p, path));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = path(request);
        long cap = capFor(path);
        long declared = request.getContentLengthLong();
        if (declared > cap) {
            refuse(response, path, cap);
            return;
        }
        boolean chunked = declared < 0 && request.getHeader("Transfer-Encoding") != null;
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (chunked && type.startsWith("application/x-www-form-urlencoded")) {
            try {
                request.getParameterMap(); // Tomcat parses the form now, within max-http-form-post-size
            } catch (InvalidParameterException e) {
                if (e.getErrorCode() != 413) throw e;
                refuse(response, path, cap);
                return;
            }
        }
        if (!chunked || type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
            chain.doFilter(request, response); // a declared length within the cap: Tomcat never delivers more
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        if (body.length > cap) {
            refuse(response, path, cap);
            return;
        }
        chain.doFilter(new Buffered(request, body), response);
    }

    private static void refuse(HttpServletResponse response, String path, long cap) throws IOException {
        log.warn("Request body over {} bytes refused on {}", cap, path);
        response.setStatus(413);
        // the unread rest of the body is not worth swallowing: this connection is not reused
        response.setHeader("Connection", "close");
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String detail = "The request body is larger than " + DataSize.ofBytes(cap).toKilobytes() + " KiB";
        // "error" too: what the sandbox page shows
        response.getWriter().write("{\"status\":413,\"title\":\"Content Too Large\",\"detail\":\"" + detail
                + "\",\"error\":\"" + detail + "\"}");
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }

    /** The request with its (chunked) body already read, within the cap. */
    private static final class Buffered extends HttpServletRequestWrapper {

        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding != null ? Charset.forName(encoding) : StandardCharsets.UTF_8;
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
