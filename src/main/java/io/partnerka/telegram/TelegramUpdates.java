package io.partnerka.telegram;

import java.util.List;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * The one way updates enter the bot, from long polling, the webhook or the sandbox: they are durably recorded in
 * the inbox before this returns (which is what lets the poller confirm them to Telegram), then processed per chat,
 * in order, elsewhere.
 */
public interface TelegramUpdates {

    /** Records the batch (duplicates by update_id ignored) and schedules processing; never throws into a poller. */
    void receive(List<Update> updates);

    /**
     * An update_id never handed out before, across restarts too, for a transport that makes its own updates (the
     * sandbox). The inbox treats a repeated update_id as a redelivery and ignores it, so such ids must be unique.
     */
    default int newUpdateId() {
        throw new UnsupportedOperationException("newUpdateId");
    }
}
