package io.partnerka.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * The real Bot API client, when a token is set (our own wiring: the TelegramBots Spring starters lag behind 10.x).
 * Without a token, or with the sandbox switched on by name, the sandbox module supplies the {@link TelegramClient}
 * instead (or nothing does: the bot is then not connected).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(TelegramModes.OnToken.class)
class TelegramApiConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TelegramApiConfiguration.class);

    @Bean
    TelegramUrl telegramUrl(TelegramProperties properties) {
        return parse(properties.apiUrl());
    }

    @Bean
    HttpClientHolder telegramHttpClient() {
        // the answers to button presses (and files) go through OkHttp's asynchronous dispatcher, whose default of 5
        // calls per host would queue them behind one another
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(2 * CallbackAnswerSender.MAX_IN_FLIGHT);
        dispatcher.setMaxRequestsPerHost(2 * CallbackAnswerSender.MAX_IN_FLIGHT);
        return new HttpClientHolder(new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .writeTimeout(60, TimeUnit.SECONDS)
                .build());
    }

    @Bean
    TelegramClient telegramClient(TelegramProperties properties, TelegramUrl url, HttpClientHolder http) {
        log.info("Bot API at {}://{}:{}", url.getSchema(), url.getHost(), url.getPort());
        return new SynchronousTelegramClient(new ObjectMapper(), http.client(), properties.token().strip(), url);
    }

    /** scheme://host[:port] as TelegramBots wants it; TelegramUrl has no path prefix, so a path is refused. */
    static TelegramUrl parse(String apiUrl) {
        URI uri = URI.create(apiUrl == null || apiUrl.isBlank() ? "https://api.telegram.org" : apiUrl.strip());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("partnerka.telegram.api-url must be http(s)://host[:port], got " + apiUrl);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("partnerka.telegram.api-url cannot have a path (TelegramBots adds /bot<token>/<method> to the host): " + apiUrl);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new TelegramUrl(scheme, uri.getHost(), port, false);
    }

    /** The HTTP client of the Bot API calls; its threads are stopped with the application. */
    record HttpClientHolder(OkHttpClient client) implements DisposableBean {
        @Override
        public void destroy() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
