package io.partnerka.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The login attempts an instance allows (Bucket4j token buckets in Caffeine caches, in memory, per instance).
 * <ul>
 * <li>Every password check costs a token of the client address and one of the username, taken <em>before</em> the
 * check (parallel guesses cannot slip through between check and count) and given back when the login succeeds.</li>
 * <li>A request refused for either reason creates no bucket and takes no token: buckets are made only for requests
 * whose password will be checked, which the address limit bounds.</li>
 * <li>Real usernames (configured users) keep their buckets in a cache of their own that made-up names never enter,
 * so no flood of names can evict a locked user's bucket. Made-up names, addresses and the rest live in caches with a
 * maximum size; every entry expires after a window without use, by when its bucket would be full again anyway.</li>
 * <li>A locked-out user still gets in from an address they logged in from successfully before ({@code trusted-for},
 * 30 days by default): such an address has a bucket of its own for that user, the same size as the username's.
 * From anywhere else the lock lifts as the window refills it (one attempt every window / per-username) or with a
 * restart of the instance.</li>
 * </ul>
 */
final class LoginAttempts {

    private static final int MAX_ENTRIES = 100_000;

    private final AdminProperties.Login limits;
    private final Predicate<String> realUser;
    private final Cache<String, Bucket> users;
    private final Cache<String, Bucket> madeUp;
    private final Cache<String, Bucket> addresses;
    private final Cache<String, Bucket> trusted;

    /** @param realUser whether a (normalised) username belongs to someone who can log in */
    LoginAttempts(AdminProperties.Login limits, Predicate<String> realUser) {
        this.limits = limits;
        this.realUser = realUser;
        this.users = cache(10_000, limits.window());
        this.madeUp = cache(MAX_ENTRIES, limits.window());
        this.addresses = cache(MAX_ENTRIES, limits.window());
        this.trusted = cache(MAX_ENTRIES, limits.trustedFor());
    }

    /** One password check's tokens; give them back when it succeeded. */
    record Lease(Bucket address, Bucket user) {
        void refund() {
            address.addTokens(1);
            user.addTokens(1);
        }
    }

    enum Refusal { ADDRESS, USERNAME }

    /** Takes the tokens of one password check, or says why there are none (then nothing was created or taken). */
    Result acquire(String username, String address) {
        Bucket byAddress = addresses.getIfPresent(address);
        if (byAddress != null && byAddress.getAvailableTokens() < 1) return Result.refused(Refusal.ADDRESS);
        String pair = username + '\n' + address;
        Bucket own = trusted.getIfPresent(pair);
        Cache<String, Bucket> names = realUser.test(username) ? users : madeUp;
        Bucket byUser = own != null ? own : names.getIfPresent(username);
        if (byUser != null && byUser.getAvailableTokens() < 1) return Result.refused(Refusal.USERNAME);

        if (byAddress == null) byAddress = addresses.get(address, k -> bucket(limits.perAddress()));
        if (!byAddress.tryConsume(1)) return Result.refused(Refusal.ADDRESS); // a parallel attempt took the last one
        if (byUser == null) byUser = names.get(username, k -> bucket(limits.perUsername()));
        if (!byUser.tryConsume(1)) {
            byAddress.addTokens(1);
            return Result.refused(Refusal.USERNAME);
        }
        return new Result(Optional.of(new Lease(byAddress, byUser)), null);
    }

    /** A successful login: the tokens come back, and the address is trusted for this user from now on. */
    void succeeded(String username, String address, Lease lease) {
        lease.refund();
        trusted.get(username + '\n' + address, k -> bucket(limits.perUsername()));
    }

    record Result(Optional<Lease> lease, Refusal refusal) {
        static Result refused(Refusal why) {
            return new Result(Optional.empty(), why);
        }
    }

    /** Buckets held (for tests and a look at memory). */
    long size() {
        return users.estimatedSize() + madeUp.estimatedSize() + addresses.estimatedSize() + trusted.estimatedSize();
    }

    private Bucket bucket(int capacity) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, limits.window()).build())
                .build();
    }

    private static Cache<String, Bucket> cache(int maximumSize, Duration expireAfterAccess) {
        return Caffeine.newBuilder().maximumSize(maximumSize).expireAfterAccess(expireAfterAccess).build();
    }
}
