package io.partnerka.miniapp;

import org.springframework.web.util.HtmlUtils;

/** The bot's texts are Telegram HTML; the page shows plain text (it escapes what it shows). */
final class Plain {

    private Plain() {
    }

    static String text(String telegramHtml) {
        return telegramHtml == null ? null : HtmlUtils.htmlUnescape(telegramHtml.replaceAll("<[^>]+>", ""));
    }
}
