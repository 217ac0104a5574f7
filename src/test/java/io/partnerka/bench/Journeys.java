package io.partnerka.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partnerka.telegram.FakeBotApi;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The people the Bot API server plays: partners walking the submit-a-client flow (six updates, three of them button
 * presses) and managers moving every n-th new deal to paid (five updates: the card's "→ Paid" button, amount,
 * currency, skip the comment, confirm). Each actor sends its next update when the reply it waits for arrives, and
 * the time from an update being offered to the first Bot API call for that chat is its latency (for a button press
 * that is mostly the answer to the press, which does not go through the outbox). Managers' updates also count
 * apart, to the first message the bot writes in their chat that is not a card (issue 14: a manager's replies must not
 * wait behind the cards queued for them).
 */
final class Journeys implements BotApiServer.Listener {

    /** What an actor does next, and the reply (a text fragment) that means it may go on. */
    sealed interface Action permits Text, Press, PressFirst, PressStored {
    }

    record Text(String text) implements Action {
    }

    /** Presses the button whose label contains the fragment, on the message that answered the previous step. */
    record Press(String labelFragment) implements Action {
    }

    record PressFirst() implements Action {
    }

    /** Presses a button remembered earlier (a manager's "→ Paid" on a deal card). */
    record PressStored() implements Action {
    }

    record Step(Action action, String expect) {
    }

    static final String CARD_MARK = "A new client from a partner";
    static final String PAID_BUTTON = "→ ✅ Paid";

    /** The partner's journey, in the English texts of messages/en (the application runs with default-language en). */
    static List<Step> submitClient(long n) {
        return List.of(
                new Step(new Text("/client"), "What is the client's name?"),
                new Step(new Text("Client Number" + toLetters(n)), "The client's phone?"),
                new Step(new Text("+7916" + (1_000_000 + n % 9_000_000)), "What does the client need?"),
                new Step(new PressFirst(), "A comment for the manager"),
                new Step(new Press("Skip"), "Please check the client"),
                new Step(new Press("All correct"), "submitted as #"));
    }

    static List<Step> payDeal() {
        return List.of(
                new Step(new PressStored(), "The amount paid?"),
                new Step(new Text("1000"), "The currency?"),
                new Step(new Press("RUB"), "A comment for the partner"),
                new Step(new Press("Skip"), "Please check the payment"),
                new Step(new Press("All correct"), " paid: "));
    }

    /** An echo bot's "journey": six messages, each answered by anything. */
    static List<Step> echo(long n) {
        List<Step> steps = new ArrayList<>();
        for (int i = 1; i <= 6; i++) steps.add(new Step(new Text("message " + i + " of partner " + n), ""));
        return steps;
    }

    /** A number as letters (names may not hold digits). */
    static String toLetters(long n) {
        StringBuilder s = new StringBuilder();
        do {
            s.append((char) ('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return s.toString();
    }

    private final BotApiServer api;
    private final Map<Long, Actor> actors = new ConcurrentHashMap<>();
    private final AtomicLong updateIds = new AtomicLong(10_000_000);
    private final AtomicInteger messageIds = new AtomicInteger(1);
    private final int paidEvery;
    final AtomicInteger updatesSent = new AtomicInteger();
    /** Updates whose answer arrived (the first message of the bot in the chat after the update that is not a card). */
    final AtomicInteger updatesAnswered = new AtomicInteger();
    final AtomicInteger journeysDone = new AtomicInteger();
    final AtomicInteger paysQueued = new AtomicInteger();
    final AtomicInteger paysDone = new AtomicInteger();
    final AtomicInteger cardsSeen = new AtomicInteger();
    final AtomicLong firstUpdateNanos = new AtomicLong();
    final AtomicLong lastDoneNanos = new AtomicLong();
    private final Latencies latencies = new Latencies();
    private final Latencies managerReplies = new Latencies();

    Journeys(BotApiServer api, int paidEvery) {
        this.api = api;
        this.paidEvery = paidEvery;
    }

    Latencies latencies() {
        return latencies;
    }

    /** From a manager's update to the bot's first message in their chat that is not a card (no callback answer). */
    Latencies managerReplies() {
        return managerReplies;
    }

    void addManager(long chatId) {
        actors.put(chatId, new Actor(chatId, true, List.of()));
    }

    /** Starts a journey now. */
    void start(long chatId, List<Step> steps) {
        Actor a = new Actor(chatId, false, steps);
        actors.put(chatId, a);
        synchronized (a) {
            a.act();
        }
    }

    @Override
    public void onCall(BotApiServer.Call call) {
        Actor a = actors.get(call.chatId());
        if (a == null) return;
        synchronized (a) {
            a.receive(call);
        }
    }

    private final class Actor {
        final long chatId;
        final boolean manager;
        List<Step> steps;
        int index;
        long pendingSince;
        /** A manager's update waiting for its first message (not a card, not the answer to the press). */
        long replySince;
        List<String[]> keyboard = List.of();
        int keyboardMessageId;
        final Deque<String[]> todo = new ArrayDeque<>(); // manager: {callback data, message id}
        String[] stored;
        boolean busy;

        Actor(long chatId, boolean manager, List<Step> steps) {
            this.chatId = chatId;
            this.manager = manager;
            this.steps = steps;
        }

        void receive(BotApiServer.Call call) {
            String text = call.text();
            boolean card = manager && text.contains(CARD_MARK);
            if (pendingSince != 0 && !card) {
                latencies.add(call.nanos() - pendingSince);
                updatesAnswered.incrementAndGet();
                pendingSince = 0;
            }
            if (replySince != 0 && !card && !call.method().equals("answercallbackquery")) {
                managerReplies.add(call.nanos() - replySince);
                replySince = 0;
            }
            if (card) {
                if (cardsSeen.incrementAndGet() % paidEvery == 0) {
                    for (String[] b : call.buttons()) {
                        if (b[0].equals(PAID_BUTTON)) {
                            todo.add(new String[]{b[1], String.valueOf(call.messageId())});
                            paysQueued.incrementAndGet();
                        }
                    }
                    if (!busy) nextPay();
                }
                return;
            }
            if (!busy && !manager && index >= steps.size()) return;
            if (index >= steps.size() || call.method().equals("answercallbackquery")) return;
            if (!text.contains(steps.get(index).expect())) return;
            List<String[]> buttons = call.buttons();
            if (!buttons.isEmpty()) {
                keyboard = buttons;
                keyboardMessageId = call.messageId();
            }
            index++;
            if (index < steps.size()) {
                act();
            } else {
                lastDoneNanos.accumulateAndGet(call.nanos(), Math::max);
                if (manager) {
                    paysDone.incrementAndGet();
                    busy = false;
                    nextPay();
                } else {
                    journeysDone.incrementAndGet();
                }
            }
        }

        void nextPay() {
            String[] next = todo.poll();
            if (next == null) return;
            busy = true;
            stored = next;
            steps = payDeal();
            index = 0;
            act();
        }

        void act() {
            Action action = steps.get(index).action();
            ObjectNode update;
            long id = updateIds.incrementAndGet();
            if (action instanceof Text t) {
                update = FakeBotApi.textUpdate(id, chatId, t.text());
            } else if (action instanceof PressFirst) {
                update = press(id, keyboard.get(0)[1], keyboardMessageId);
            } else if (action instanceof Press p) {
                String[] button = keyboard.stream().filter(b -> b[0].contains(p.labelFragment())).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no button '" + p.labelFragment() + "' for chat "
                                + chatId + " among " + keyboard.stream().map(b -> b[0]).toList()));
                update = press(id, button[1], keyboardMessageId);
            } else {
                update = press(id, stored[0], Integer.parseInt(stored[1]));
            }
            long now = System.nanoTime();
            firstUpdateNanos.compareAndSet(0, now);
            pendingSince = now;
            if (manager) replySince = now;
            updatesSent.incrementAndGet();
            api.push(update);
        }

        private ObjectNode press(long updateId, String data, int messageId) {
            ObjectNode u = FakeBotApi.callbackUpdate(updateId, chatId, data, messageId);
            ((ObjectNode) u.get("callback_query")).put("id", "c" + chatId + "_" + updateId);
            return u;
        }
    }

    /** Latencies in nanoseconds. */
    static final class Latencies {
        private long[] values = new long[1 << 16];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = nanos;
        }

        synchronized int count() {
            return size;
        }

        /** The p-th percentile in milliseconds. */
        synchronized double percentileMs(double p) {
            if (size == 0) return Double.NaN;
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int i = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100.0 * size) - 1));
            return sorted[i] / 1e6;
        }
    }
}
