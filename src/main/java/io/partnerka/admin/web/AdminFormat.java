package io.partnerka.admin.web;

import io.partnerka.conversation.Formats;
import java.math.BigDecimal;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Formatting for the pages ({@code ${@adminFormat.time(x)}}): times, dates and money exactly as the bot writes them
 * ({@link Formats}), in the admin language; JSON.
 */
@Component("adminFormat")
public class AdminFormat {

    private final Formats formats;
    private final String language;
    private final JsonMapper json = JsonMapper.builder().build();

    public AdminFormat(Formats formats, @Value("${partnerka.admin.language:en}") String language) {
        this.formats = formats;
        this.language = language;
    }

    public String time(Instant instant) {
        return formats.shortDateTime(instant, language);
    }

    public String date(Instant instant) {
        return formats.date(instant, language);
    }

    public String money(BigDecimal amount, String currency) {
        return Formats.money(amount, currency, language);
    }

    public String json(Object value) {
        return json.writeValueAsString(value);
    }
}
