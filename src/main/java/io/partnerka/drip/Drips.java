package io.partnerka.drip;

import io.partnerka.conversation.Roles;
import io.partnerka.partner.PartnerApproved;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What other modules tell the drip module: "this partner just did X" ({@link #trigger}). Each call records the fact
 * (skip and stop conditions read it, and the activity facts reset the inactivity clock) and enrols the person in
 * every chain that starts on it. Call it inside your own transaction: the enrolment commits with your change.
 *
 * <pre>{@code
 * drips.trigger(partner.userId(), Drips.TRAINING_PASSED);   // training module
 * drips.trigger(partner.userId(), Drips.CLIENT_SUBMITTED);  // deal module, every client (the first also fires FIRST_CLIENT)
 * }</pre>
 */
@Service
public class Drips {

    private static final Logger log = LoggerFactory.getLogger(Drips.class);

    /** A partner was approved (fired by this module on {@link PartnerApproved}). */
    public static final String APPROVED = "approved";
    /** Started the application form or the questionnaire and left it (found by the periodic scan). */
    public static final String APPLICATION_UNFINISHED = "application-unfinished";
    /** No activity fact for the chain's {@code after} (found by the periodic scan). */
    public static final String INACTIVE = "inactive";
    public static final String TRAINING_STARTED = "training-started";
    public static final String TRAINING_PASSED = "training-passed";
    /** Every submitted client; the first one also fires {@link #FIRST_CLIENT}. */
    public static final String CLIENT_SUBMITTED = "client-submitted";
    public static final String FIRST_CLIENT = "first-client";
    public static final String REQUISITES_SET = "requisites-set";
    public static final String REFERRAL_LINK_OPENED = "referral-link-opened";

    /** Names a chain may start on or check; a module with a new event adds its name here. */
    public static final List<String> EVENTS = List.of(APPROVED, APPLICATION_UNFINISHED, INACTIVE, TRAINING_STARTED,
            TRAINING_PASSED, CLIENT_SUBMITTED, FIRST_CLIENT, REQUISITES_SET, REFERRAL_LINK_OPENED);

    private final JdbcClient jdbc;
    private final Chains chains;
    private final Partners partners;
    private final Roles roles;
    private final DripClock clock;

    Drips(JdbcClient jdbc, Chains chains, Partners partners, Roles roles, DripClock clock) {
        this.jdbc = jdbc;
        this.chains = chains;
        this.partners = partners;
        this.roles = roles;
        this.clock = clock;
    }

    /**
     * Records that {@code userId} did {@code event} and enrols them in the chains that start on it (once per person
     * and chain). Unknown names are recorded as facts too (a chain can check them once the name is in {@link #EVENTS}).
     */
    @Transactional
    public void trigger(long userId, String event) {
        Instant now = clock.instant();
        List<String> happened = record(userId, event, now);
        if (roles.isManager(userId)) return;
        Optional<PartnerView> partner = null; // read once, and only when a chain starts on what happened
        for (String name : happened) {
            for (Chain chain : chains.triggeredBy(name)) {
                if (ChainParser.SCANNED_TRIGGERS.contains(chain.trigger())) continue;
                if (partner == null) partner = partners.byUser(userId);
                if (chain.onlyApproved() && (partner.isEmpty() || !partner.get().isApproved())) continue;
                if (!chain.admits(partner.map(PartnerView::type).orElse(null), partner.map(PartnerView::segment).orElse(null))) continue;
                long chatId = partner.map(PartnerView::chatId).orElse(userId);
                if (enrol(chain, userId, chatId, "once", now)) log.debug("User {} entered the chain {}", userId, chain.id());
            }
        }
    }

    /**
     * Records the fact, and for a first submitted client also {@link #FIRST_CLIENT}, in one statement (every client a
     * partner submits passes here); returns the events that happened, {@link #FIRST_CLIENT} first.
     */
    private List<String> record(long userId, String event, Instant now) {
        Timestamp at = Timestamp.from(now);
        String first = CLIENT_SUBMITTED.equals(event) ? FIRST_CLIENT : null;
        boolean firstToo = jdbc.sql("""
                        WITH fact AS (
                            INSERT INTO drip_fact (user_id, name, first_at, last_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT (user_id, name) DO UPDATE SET last_at = excluded.last_at, times = drip_fact.times + 1
                            RETURNING times),
                        follows AS (
                            INSERT INTO drip_fact (user_id, name, first_at, last_at)
                            SELECT ?, ?::varchar, ?, ? FROM fact WHERE fact.times = 1 AND ?::varchar IS NOT NULL
                            ON CONFLICT (user_id, name) DO UPDATE SET last_at = excluded.last_at, times = drip_fact.times + 1
                            RETURNING 1)
                        SELECT EXISTS (SELECT 1 FROM follows) FROM fact""")
                .params(userId, event, at, at, userId, first, at, at, first).query(Boolean.class).single();
        return firstToo ? List.of(FIRST_CLIENT, event) : List.of(event);
    }

    @EventListener
    void on(PartnerApproved approved) {
        trigger(approved.userId(), APPROVED);
    }

    /** Enrols once per (person, chain, occurrence); the first step is due after its delay. */
    boolean enrol(Chain chain, long userId, long chatId, String occurrence, Instant now) {
        return jdbc.sql("""
                        INSERT INTO drip_enrollment (user_id, chat_id, chain_id, occurrence, trigger_name, next_step, due_at,
                                                     enrolled_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (user_id, chain_id, occurrence) DO NOTHING""")
                .params(userId, chatId, chain.id(), occurrence, chain.trigger(), chain.first().id(),
                        Timestamp.from(now.plus(chain.first().delay())), Timestamp.from(now), Timestamp.from(now))
                .update() == 1;
    }
}
