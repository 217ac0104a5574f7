package io.partnerka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The throttle's bookkeeping on its own, where a flood from thousands of addresses costs milliseconds. */
class LoginAttemptsTests {

    private final AdminProperties.Login limits = new AdminProperties.Login(5, 20, Duration.ofMinutes(5));
    private final LoginAttempts attempts = new LoginAttempts(limits, "boss"::equals);

    private boolean failedAttempt(String username, String address) {
        return attempts.acquire(username, address).lease().isPresent(); // taken and, as a failure, kept
    }

    @Test
    void aFloodOfNamesFromManyAddressesDoesNotEvictARealUsersLock() {
        for (int i = 0; i < 5; i++) assertThat(failedAttempt("boss", "10.0.0.1")).isTrue();
        assertThat(attempts.acquire("boss", "10.0.0.2").refusal()).isEqualTo(LoginAttempts.Refusal.USERNAME);

        // more made-up names and addresses than the old map held, each allowed its password check
        for (int i = 0; i < 120_000; i++) assertThat(failedAttempt("made-up-" + i, "10.1." + (i / 250) + "." + (i % 250))).isTrue();

        assertThat(attempts.acquire("boss", "10.0.0.3").refusal()).isEqualTo(LoginAttempts.Refusal.USERNAME);
    }

    @Test
    void aRefusedAttemptCreatesNoBucketAndTakesNoToken() {
        for (int i = 0; i < 20; i++) assertThat(failedAttempt("name-" + i, "10.2.0.1")).isTrue();
        long held = attempts.size();

        for (int i = 0; i < 1000; i++) {
            assertThat(attempts.acquire("other-" + i, "10.2.0.1").refusal()).isEqualTo(LoginAttempts.Refusal.ADDRESS);
        }
        assertThat(attempts.size()).isEqualTo(held);

        for (int i = 0; i < 5; i++) assertThat(failedAttempt("locked", "10.2.0." + (10 + i))).isTrue();
        held = attempts.size();
        assertThat(attempts.acquire("locked", "10.2.0.99").refusal()).isEqualTo(LoginAttempts.Refusal.USERNAME);
        assertThat(attempts.size()).as("no bucket for the refused request's address").isEqualTo(held);
    }

    @Test
    void aSuccessGivesTheTokensBack_andMakesTheAddressTheUsersOwn() {
        LoginAttempts.Lease lease = attempts.acquire("boss", "10.3.0.1").lease().orElseThrow();
        attempts.succeeded("boss", "10.3.0.1", lease);
        for (int i = 0; i < 5; i++) assertThat(failedAttempt("boss", "10.3.0.2")).isTrue();

        assertThat(attempts.acquire("boss", "10.3.0.3").refusal()).as("locked elsewhere").isEqualTo(LoginAttempts.Refusal.USERNAME);
        LoginAttempts.Result home = attempts.acquire("boss", "10.3.0.1");
        assertThat(home.lease()).as("not from the address boss logged in from").isPresent();
        attempts.succeeded("boss", "10.3.0.1", home.lease().get());
    }
}
