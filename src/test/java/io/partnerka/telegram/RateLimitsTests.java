package io.partnerka.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The outbound limits: a small burst per chat, then one a second; other chats are not held up; off means off. */
class RateLimitsTests {

    @Test
    void aChatGetsItsBurstThenWaits() throws InterruptedException {
        RateLimits limits = new RateLimits(true, 30, 1, 3);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) limits.acquire(1);
        assertThat(millisSince(start)).as("the burst goes at once").isLessThan(300);

        limits.acquire(2);
        assertThat(millisSince(start)).as("another chat is not held up").isLessThan(300);

        limits.acquire(1);
        assertThat(millisSince(start)).as("the fourth message to one chat waits for the refill").isGreaterThanOrEqualTo(900);
    }

    @Test
    void theOverallRateHoldsAcrossChats() throws InterruptedException {
        RateLimits limits = new RateLimits(true, 10, 1, 3);
        long start = System.nanoTime();
        for (int chat = 0; chat < 15; chat++) limits.acquire(chat);
        // a tenth of a second's worth (one) at once, then one every 100 ms / 0.97
        assertThat(millisSince(start)).isBetween(1_350L, 2_500L);
    }

    @Test
    void a429HalvesTheOverallRate_onceForAllTheCallsOfOneFlood() throws InterruptedException {
        RateLimits limits = new RateLimits(true, 30, 1, 3);
        limits.slowDown();
        assertThat(limits.currentGlobalPerSecond()).isEqualTo(15);
        for (int i = 0; i < 7; i++) limits.slowDown(); // the other calls that were in flight got their 429 too
        assertThat(limits.currentGlobalPerSecond()).isEqualTo(15);
        Thread.sleep(2_100);
        limits.slowDown(); // still too fast: a later flood halves again
        assertThat(limits.currentGlobalPerSecond()).isEqualTo(7.5);
    }

    @Test
    void disabledLimitsNeverWait() throws InterruptedException {
        RateLimits limits = new RateLimits(false, 1, 0.1, 1);
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) limits.acquire(1);
        assertThat(millisSince(start)).isLessThan(300);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
