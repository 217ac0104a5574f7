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

    static String write(Update update) {
        try {
            return MAPPER.writeValueAsString(update);
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
