package io.partnerka.miniapp;

import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Roles;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@code Authorization: tma <initData>} on every {@code /app/api/**} request: checked by {@link MiniAppSigner} before
 * any controller runs; refused with 401 and a JSON body otherwise. Controllers take a {@link MiniAppUser} argument:
 * who the signed data says this is, with their role as the bot sees it.
 */
@Configuration(proxyBeanMethods = false)
class MiniAppAuth implements WebMvcConfigurer, HandlerInterceptor, HandlerMethodArgumentResolver {

    static final String PATH = "/app/api/**";
    private static final String ATTRIBUTE = MiniAppUser.class.getName();
    private static final String SCHEME = "tma ";
    private static final Logger log = LoggerFactory.getLogger(MiniAppAuth.class);

    private final MiniAppSigner signer;
    private final Roles roles;
    private final Partners partners;
    private final Notifier notifier;
    private final Messages messages;

    MiniAppAuth(MiniAppSigner signer, Roles roles, Partners partners, Notifier notifier, Messages messages) {
        this.signer = signer;
        this.roles = roles;
        this.partners = partners;
        this.notifier = notifier;
        this.messages = messages;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns(PATH);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        MiniAppSigner.Verified verified;
        try {
            if (header == null) throw new MiniAppSigner.Refused("no Authorization header");
            if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) throw new MiniAppSigner.Refused("not the tma scheme");
            verified = signer.verify(header.substring(SCHEME.length()).strip());
        } catch (MiniAppSigner.Refused refused) {
            log.debug("Mini App request {} {} refused: {}", request.getMethod(), request.getRequestURI(), refused.getMessage());
            refuse(response);
            return false;
        }
        request.setAttribute(ATTRIBUTE, user(verified));
        return true;
    }

    private MiniAppUser user(MiniAppSigner.Verified v) {
        String language = notifier.knownLanguage(v.userId()).orElseGet(() -> messages.languageFor(v.languageCode()));
        if (roles.isManager(v.userId())) return new MiniAppUser(v.userId(), v.name(), language, MiniAppUser.MANAGER, null);
        PartnerView partner = partners.readByUser(v.userId()).filter(PartnerView::isApproved).orElse(null);
        if (partner != null) return new MiniAppUser(v.userId(), partner.name(), language, MiniAppUser.PARTNER, partner.id());
        return new MiniAppUser(v.userId(), v.name(), language, MiniAppUser.APPLICANT, null);
    }

    private void refuse(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "tma");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String message = messages.text(messages.defaultLanguage(), "miniapp.error.unauthorized").replace("\"", "'");
        response.getWriter().write("{\"error\":\"unauthorized\",\"message\":\"" + message + "\"}");
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == MiniAppUser.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                  WebDataBinderFactory binderFactory) {
        Object user = request.getAttribute(ATTRIBUTE, NativeWebRequest.SCOPE_REQUEST);
        if (user == null) throw new IllegalStateException("MiniAppUser outside " + PATH);
        return user;
    }
}
