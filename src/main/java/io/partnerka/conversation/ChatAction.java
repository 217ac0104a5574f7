package io.partnerka.conversation;

import java.util.Set;

/**
 * A one-shot handler: a command, a main-menu button or an inline-button prefix that does something right away (shows
 * a list, decides an approval) rather than asking a series of questions (that is a {@link Flow}).
 */
public interface ChatAction {

    /** Commands without the slash, e.g. {@code "pending"}. */
    default Set<String> commands() {
        return Set.of();
    }

    /** Message keys of main-menu buttons that run this action. */
    default Set<String> menuKeys() {
        return Set.of();
    }

    /** The callback prefix (the payload part before the first ':') this action answers, or null. */
    default String callbackPrefix() {
        return null;
    }

    /**
     * Runs the action. For a command {@code args} is what follows it; for a callback, the verified payload after the
     * prefix and ':'; for a menu button, empty.
     */
    void run(ChatContext ctx, String args);
}
