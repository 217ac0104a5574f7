package io.partnerka.telegram;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bot API's outbound limits as token buckets: about 30 messages a second overall and one a second per chat (with
 * a small burst, so a reply of two or three messages goes out at once; see {@link #globalLimit}). A 429 halves the overall rate for a minute
 * (once per flood: the 429s of calls that were in flight together count once).
 */
class RateLimits {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    private static final Duration SLOW_FOR = Duration.ofMinutes(1);
    private static final Duration FORGET_CHAT_AFTER = Duration.ofMinutes(5);
    /**
     * 429s closer together than this are one flood: every call in flight at that moment gets one, and halving for
     * each of them took the rate from 30 to 1 message a second at once.
     */
    private static final Duration SAME_FLOOD = Duration.ofSeconds(2);
    private static final double BURST_SECONDS = 0.1;
    private static final double MARGIN = 0.97;

    private final boolean enabled;
    private final double globalPerSecond;
    private final double perChatPerSecond;
    private final int perChatBurst;
    private final Bucket global;
    private final Map<Long, ChatBucket> chats = new ConcurrentHashMap<>();
    private volatile double currentGlobal;
    private volatile long slowUntil;
    private volatile long nextForget;
    private volatile long lastHalved;

    private record ChatBucket(Bucket bucket, AtomicLong lastUsed) {
    }

    RateLimits(boolean enabled, double globalPerSecond, double perChatPerSecond, int perChatBurst) {
        this.enabled = enabled;
        this.globalPerSecond = Math.max(0.1, globalPerSecond);
        this.perChatPerSecond = Math.max(0.01, perChatPerSecond);
        this.perChatBurst = Math.max(1, perChatBurst);
        this.currentGlobal = this.globalPerSecond;
        this.global = Bucket.builder().addLimit(globalLimit(this.globalPerSecond)).build();
        this.nextForget = System.nanoTime() + FORGET_CHAT_AFTER.toNanos();
        this.lastHalved = System.nanoTime() - 2 * SAME_FLOOD.toNanos();
    }

    boolean enabled() {
        return enabled;
    }

    /** Waits until one more message may go to this chat. */
    void acquire(long chatId) throws InterruptedException {
        if (!enabled) return;
        long now = System.nanoTime();
        restoreIfCalm(now);
        forgetIdleChats(now);
        ChatBucket chat = chats.computeIfAbsent(chatId, id -> new ChatBucket(Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perChatBurst).refillGreedy(1, every(perChatPerSecond)).build())
                .build(), new AtomicLong()));
        chat.lastUsed().set(now);
        chat.bucket().asBlocking().consume(1);
        global.asBlocking().consume(1);
    }

    /** Telegram said 429: send slower overall for a while. */
    void slowDown() {
        if (!enabled) return;
        synchronized (this) {
            long now = System.nanoTime();
            double slower = Math.max(1, currentGlobal / 2);
            slowUntil = now + SLOW_FOR.toNanos();
            if (now - lastHalved < SAME_FLOOD.toNanos()) return;
            if (slower < currentGlobal) {
                lastHalved = now;
                currentGlobal = slower;
                global.replaceConfiguration(BucketConfiguration.builder().addLimit(globalLimit(slower)).build(),
                        TokensInheritanceStrategy.AS_IS);
                log.warn("Telegram asked to slow down: at most {} messages a second for the next minute", slower);
            }
        }
    }

    double currentGlobalPerSecond() {
        return currentGlobal;
    }

    private void restoreIfCalm(long now) {
        if (currentGlobal >= globalPerSecond || now - slowUntil < 0) return;
        synchronized (this) {
            if (currentGlobal < globalPerSecond && now - slowUntil >= 0) {
                currentGlobal = globalPerSecond;
                global.replaceConfiguration(BucketConfiguration.builder().addLimit(globalLimit(globalPerSecond)).build(),
                        TokensInheritanceStrategy.AS_IS);
                log.info("Back to {} messages a second", globalPerSecond);
            }
        }
    }

    private void forgetIdleChats(long now) {
        if (now - nextForget < 0) return;
        nextForget = now + FORGET_CHAT_AFTER.toNanos();
        chats.entrySet().removeIf(e -> now - e.getValue().lastUsed().get() > FORGET_CHAT_AFTER.toNanos());
    }

    /**
     * At most a tenth of a second's worth at once, and 3 % under the limit: measured against Telegram's limits as
     * token buckets, a full second's burst ran above the limit for seconds after a quiet spell, and sending exactly at
     * the limit drew a 429 whenever scheduling bunched two calls together.
     */
    private static Bandwidth globalLimit(double perSecond) {
        return Bandwidth.builder().capacity(Math.max(1, Math.round(perSecond * BURST_SECONDS)))
                .refillGreedy(1, every(perSecond * MARGIN)).build();
    }

    private static Duration every(double perSecond) {
        return Duration.ofNanos(Math.max(1, Math.round(1_000_000_000d / perSecond)));
    }
}
