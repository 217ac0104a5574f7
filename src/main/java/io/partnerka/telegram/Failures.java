package io.partnerka.telegram;

import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiValidationException;

/** What went wrong with a call, told without tokens or message contents. */
final class Failures {

    /** Bot tokens look like 123456:ABC-xyz; they may appear in URLs inside exception messages. */
    private static final Pattern TOKEN = Pattern.compile("\\d{3,}:[A-Za-z0-9_-]{20,}");

    private Failures() {
    }

    /**
     * A Bot API failure.
     *
     * @param code        Telegram's error_code (HTTP status), null for network and other local failures
     * @param retryAfter  seconds to wait, from a 429
     * @param description Telegram's description, or the local failure's class and message
     * @param invalid     the call was refused locally, before it was sent (it can never succeed)
     */
    record ApiFailure(Integer code, Integer retryAfter, String description, boolean invalid) {

        boolean is(int status) {
            return code != null && code == status;
        }

        boolean notModified() {
            return is(400) && description != null && description.toLowerCase().contains("message is not modified");
        }

        @Override
        public String toString() {
            return (code == null ? "" : code + " ") + description;
        }
    }

    static ApiFailure classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TelegramApiRequestException r && r.getErrorCode() != null && r.getErrorCode() > 0) {
                Integer retryAfter = r.getParameters() == null ? null : r.getParameters().getRetryAfter();
                return new ApiFailure(r.getErrorCode(), retryAfter, redact(r.getApiResponse()), false);
            }
            if (t instanceof TelegramApiValidationException) {
                return new ApiFailure(null, null, redact(t.getMessage()), true);
            }
            if (t.getCause() == t) break;
        }
        return new ApiFailure(null, null, describe(e), false);
    }

    /** The root cause's type and message, tokens masked. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + redact(message));
    }

    static String redact(String s) {
        return s == null ? null : TOKEN.matcher(s).replaceAll("<token>");
    }
}
