package io.partnerka.telegram;

import io.partnerka.conversation.CallbackAnswers;
import io.partnerka.conversation.Reply;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Answers button presses (answerCallbackQuery) straight through the application's {@link TelegramClient} — the Bot
 * API client's asynchronous call, or the sandbox's — once the update has committed: no outbox row, no claim, no
 * recorded delivery. Not held to the sending limits (an answer is not a message). A failure is logged without the
 * answer's text and dropped: the spinner stops by itself.
 */
@Component
class CallbackAnswerSender implements CallbackAnswers {

    private static final Logger log = LoggerFactory.getLogger(CallbackAnswerSender.class);
    /** Answers in flight at most; past that (Telegram slow or away) they are dropped rather than queued in memory. */
    static final int MAX_IN_FLIGHT = 64;

    private final ObjectProvider<TelegramClient> clients;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The client, looked up at the first answer (not a bean lookup per press). */
    private volatile java.util.Optional<TelegramClient> client;

    CallbackAnswerSender(ObjectProvider<TelegramClient> clients) {
        this.clients = clients;
    }

    @Override
    public void answer(long chatId, Reply.CallbackAnswer answer) {
        java.util.Optional<TelegramClient> known = this.client;
        if (known == null) this.client = known = java.util.Optional.ofNullable(clients.getIfAvailable());
        if (known.isEmpty()) return; // the bot is not connected: nobody is waiting for an answer
        TelegramClient client = known.get();
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            log.info("Answer to a button press in chat {} dropped: {} answers still in flight", chatId, MAX_IN_FLIGHT);
            return;
        }
        try {
            client.executeAsync(ReplyRenderer.callbackAnswer(answer)).whenComplete((ok, failure) -> {
                inFlight.decrementAndGet();
                if (failure != null) failed(chatId, failure);
            });
        } catch (Exception e) {
            inFlight.decrementAndGet();
            failed(chatId, e);
        }
    }

    private static void failed(long chatId, Throwable failure) {
        log.info("Answer to a button press in chat {} not sent, dropped: {}", chatId, Failures.classify(failure));
    }
}
