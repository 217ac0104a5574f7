package io.partnerka.conversation;

/**
 * Where the answer to a button press goes: straight to the transport once the update's transaction has committed,
 * not through the outbox. Nothing depends on it (it stops the client's spinner, or shows a short notice), so it is not
 * worth a row, a hand-off and a recorded delivery — half of a journey's replies were these. The engine never hands one
 * out for a transaction that rolled back; one lost to a crash after the commit leaves a spinner that Telegram stops
 * by itself after a few seconds. Implemented by the transport (none: the bot is not connected, answers are dropped).
 */
public interface CallbackAnswers {

    /**
     * Sends the answer, after the commit, without blocking the caller and without the database; a failure is logged
     * (without the answer's text) and dropped.
     */
    void answer(long chatId, Reply.CallbackAnswer answer);
}
