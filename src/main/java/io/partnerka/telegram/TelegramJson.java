package io.partnerka.telegram;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Updates as Telegram JSON, with the Jackson 2 mapper TelegramBots' types are annotated for (the rest of the app uses
 * Jackson 3). Only the annotated Bot API fields are written, not computed helpers such as {@code getChatId()} or
 * {@code isCommand()}, so what is stored is what Telegram sent.
 */
final class TelegramJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.AUTO_DETECT_GETTERS, MapperFeature.AUTO_DETECT_IS_GETTERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private TelegramJson() {
    }

    /**
     * JSON escapes of NUL ({@code \\u0000}) not preceded by another backslash: PostgreSQL's jsonb refuses them
     * ("unsupported Unicode escape sequence"), and so do its text columns further on.
     */
    private static final java.util.regex.Pattern NUL = java.util.regex.Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    /**
     * The update as JSON that PostgreSQL stores: a NUL character anywhere (a text, a name, callback data) becomes
     * U+FFFD, otherwise one such update would fail every insert of its batch and hold the poller forever.
     */
    static String write(Update update) {
        try {
            String json = MAPPER.writeValueAsString(update);
            return json.contains("\\u0000") ? NUL.matcher(json).replaceAll("$1\\\\ufffd") : json;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Update " + update.getUpdateId() + " cannot be written as JSON", e);
        }
    }

    static Update read(String json) {
        try {
            return MAPPER.readValue(json, Update.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a Telegram update: " + e.getOriginalMessage(), e);
        }
    }

    static Update read(byte[] json) {
        try {
            return MAPPER.readValue(json, Update.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Not a Telegram update", e);
        }
    }
}
