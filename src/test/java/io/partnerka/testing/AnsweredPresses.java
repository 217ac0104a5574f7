package io.partnerka.testing;

import io.partnerka.conversation.CallbackAnswers;
import io.partnerka.conversation.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The answers to button presses the engine hands out after a commit, as the transport gets them: they no longer pass
 * through the outbox, so {@link ChatTester} (and other tests that read what the bot said) read them here. A component
 * of every test context (component scanning finds it under {@code io.partnerka}), next to the transport's own.
 */
@Component
public class AnsweredPresses implements CallbackAnswers {

    private static final Map<Long, List<Reply.CallbackAnswer>> BY_CHAT = new ConcurrentHashMap<>();

    @Override
    public void answer(long chatId, Reply.CallbackAnswer answer) {
        BY_CHAT.compute(chatId, (id, list) -> {
            List<Reply.CallbackAnswer> l = list == null ? new ArrayList<>() : list;
            l.add(answer);
            return l;
        });
    }

    /** The answers handed out for this chat since the last call, in order (and forgets them). */
    public static List<Reply.CallbackAnswer> take(long chatId) {
        List<Reply.CallbackAnswer> taken = BY_CHAT.remove(chatId);
        return taken == null ? List.of() : taken;
    }
}
