package io.partnerka.conversation;

/**
 * An inline button: either a callback (data already signed by {@link ChatContext#button}) or a URL.
 * Reply-keyboard buttons are plain texts, see {@link Reply.Text#keyboard()}.
 */
public record Button(String text, String callbackData, String url) {

    public static Button url(String text, String url) {
        return new Button(text, null, url);
    }
}
