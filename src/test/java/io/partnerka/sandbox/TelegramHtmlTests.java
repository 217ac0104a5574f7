package io.partnerka.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;

/** Telegram's HTML subset: what becomes entities, what the page may show, and what Telegram refuses. */
class TelegramHtmlTests {

    @Test
    void supportedTagsBecomeEntitiesAndSafeHtml() throws Exception {
        TelegramHtml.Parsed p = TelegramHtml.parse("<strong>Жирный</strong> <em>курсив</em> <ins>u</ins> <del>s</del> "
                + "<tg-spoiler>тайна</tg-spoiler> <span class=\"tg-spoiler\">ещё</span> <code>x&lt;y</code>\n"
                + "<pre><code class=\"language-java\">int a;</code></pre><blockquote>цитата</blockquote>");

        assertThat(p.text()).isEqualTo("Жирный курсив u s тайна ещё x<y\nint a;цитата");
        assertThat(p.entities()).extracting(MessageEntity::getType).containsExactly("bold", "italic", "underline",
                "strikethrough", "spoiler", "spoiler", "code", "pre", "blockquote");
        MessageEntity code = p.entities().get(6);
        assertThat(p.text().substring(code.getOffset(), code.getOffset() + code.getLength())).isEqualTo("x<y");
        assertThat(code.getText()).isEqualTo("x<y");
        assertThat(p.entities().get(7).getLanguage()).isEqualTo("java");
        assertThat(p.safeHtml()).isEqualTo("<b>Жирный</b> <i>курсив</i> <u>u</u> <s>s</s> "
                + "<span class=\"tg-spoiler\">тайна</span> <span class=\"tg-spoiler\">ещё</span> <code>x&lt;y</code>\n"
                + "<pre><code>int a;</code></pre><blockquote>цитата</blockquote>");
    }

    @Test
    void offsetsCountUtf16UnitsLikeTelegram() throws Exception {
        TelegramHtml.Parsed p = TelegramHtml.parse("👍 <b>да</b>");
        assertThat(p.entities().get(0).getOffset()).isEqualTo(3);
        assertThat(p.entities().get(0).getLength()).isEqualTo(2);
    }

    @Test
    void entitiesAreDecodedOnlyWhereTelegramDecodesThem() throws Exception {
        assertThat(TelegramHtml.parse("&lt;&gt;&amp;&quot;&#65;&#x1F44D;").text()).isEqualTo("<>&\"A👍");
        // Telegram knows no other named entities: they stay as they were written
        TelegramHtml.Parsed dash = TelegramHtml.parse("E-mail: &mdash; & co");
        assertThat(dash.text()).isEqualTo("E-mail: &mdash; & co");
        assertThat(dash.safeHtml()).isEqualTo("E-mail: &amp;mdash; &amp; co");
    }

    @Test
    void linksAreKeptOnlyForSafeSchemes() throws Exception {
        TelegramHtml.Parsed p = TelegramHtml.parse("<a href=\"https://t.me/x?a=1&amp;b=&quot;2&quot;\">ok</a>"
                + "<a href='javascript:alert(1)'>bad</a><a href=\"tg://user?id=1\">me</a>");
        assertThat(p.entities()).extracting(MessageEntity::getUrl).containsExactly("https://t.me/x?a=1&b=\"2\"", "tg://user?id=1");
        assertThat(p.safeHtml()).isEqualTo("<a href=\"https://t.me/x?a=1&amp;b=&quot;2&quot;\" target=\"_blank\" "
                + "rel=\"noopener noreferrer\">ok</a><span>bad</span><a href=\"tg://user?id=1\" target=\"_blank\" "
                + "rel=\"noopener noreferrer\">me</a>");
    }

    @Test
    void whatTelegramRefusesIsRefused() {
        assertThatThrownBy(() -> TelegramHtml.parse("a <script>alert(1)</script>"))
                .hasMessage("Bad Request: can't parse entities: Unsupported start tag \"script\" at byte offset 2");
        assertThatThrownBy(() -> TelegramHtml.parse("я <br>")).hasMessageContaining("Unsupported start tag \"br\" at byte offset 3");
        assertThatThrownBy(() -> TelegramHtml.parse("1 < 2")).hasMessageContaining("Unsupported start tag \"\" at byte offset 2");
        assertThatThrownBy(() -> TelegramHtml.parse("<3")).hasMessageContaining("Unclosed start tag at byte offset 0");
        assertThatThrownBy(() -> TelegramHtml.parse("<b>x")).hasMessageContaining("Can't find end tag corresponding to start tag \"b\"");
        assertThatThrownBy(() -> TelegramHtml.parse("<b><i>x</b></i>")).hasMessageContaining("expected \"</i>\", found \"</b>\"");
        assertThatThrownBy(() -> TelegramHtml.parse("x</b>")).hasMessageContaining("Unexpected end tag");
        assertThatThrownBy(() -> TelegramHtml.parse("<span>x</span>")).hasMessageContaining("tg-spoiler");
    }

    @Test
    void plainTextIsEscapedWhole() {
        assertThat(TelegramHtml.plain("<img src=x onerror=alert(1)> & \"'").safeHtml())
                .isEqualTo("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;&#39;");
    }
}
