package io.partnerka.drip;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** The periodic work, by name: what the Quartz jobs run, and what {@code /drip_run} runs at once. */
@Component
class DripTasks {

    static final String DISPATCH = "dispatch";
    static final String SCAN = "scan";
    static final String BROADCAST = "broadcast";
    static final String REMINDERS = "reminders";
    static final String DIGEST = "digest";

    private final Dispatcher dispatcher;
    private final Scanner scanner;
    private final Broadcasts broadcasts;
    private final ManagerReminders reminders;
    private final Digest digest;
    private final DripProperties properties;
    private final TransactionTemplate tx;

    DripTasks(Dispatcher dispatcher, Scanner scanner, Broadcasts broadcasts, ManagerReminders reminders, Digest digest,
              DripProperties properties, PlatformTransactionManager transactions) {
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.dispatcher = dispatcher;
        this.scanner = scanner;
        this.broadcasts = broadcasts;
        this.reminders = reminders;
        this.digest = digest;
        this.properties = properties;
    }

    /**
     * Runs one task; returns a count worth logging (steps handled, people enrolled, messages queued...). Each piece
     * commits on its own, also when called from inside a manager's update ({@code /drip_run}).
     */
    int run(String task) {
        return switch (task) {
            case DISPATCH -> dispatcher.runDue(properties.dispatch().maxRun()).claimed();
            case SCAN -> alone(scanner::scan);
            case BROADCAST -> broadcasts.queueDue(properties.dispatch().maxRun()) + alone(broadcasts::refreshProgress);
            case REMINDERS -> alone(reminders::remind);
            case DIGEST -> alone(() -> digest.run(false));
            default -> throw new IllegalArgumentException("No drip task " + task);
        };
    }

    /** Everything now, in the order a day would: scan, steps, broadcasts, reminders, and the digest (forced). */
    Map<String, Integer> runAll() {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put(SCAN, alone(scanner::scan));
        out.put(DISPATCH, dispatcher.runDue(properties.dispatch().maxRun()).sent());
        out.put(BROADCAST, broadcasts.queueDue(properties.dispatch().maxRun()));
        alone(broadcasts::refreshProgress);
        out.put(REMINDERS, alone(reminders::remind));
        out.put(DIGEST, alone(() -> digest.run(true)));
        return out;
    }

    private int alone(java.util.function.IntSupplier work) {
        Integer n = tx.execute(s -> work.getAsInt());
        return n == null ? 0 : n;
    }
}
