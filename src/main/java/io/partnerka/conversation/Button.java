package io.partnerka.conversation;

/**
 * An inline button: a callback (data already signed by {@link ChatContext#button}), a URL, or a Mini App to open
 * ({@code webApp}: its HTTPS address, see {@link MiniAppLinks}). Reply-keyboard buttons are plain texts, see
 * {@link Reply.Text#keyboard()}.
 */
public record Button(String text, String callbackData, String url, String webApp) {

    public Button(String text, String callbackData, String url) {
        this(text, callbackData, url, null);
    }

    public static Button url(String text, String url) {
        return new Button(text, null, url, null);
    }

    public static Button webApp(String text, String url) {
        return new Button(text, null, null, url);
    }
}
