package io.partnerka.deal;

import io.partnerka.conversation.Messages;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The deal pipeline from configuration ({@code partnerka.deal.statuses}, default new, in_progress, contract, paid):
 * open statuses in order, the last configured one is the paid (won) status. {@code lost} is reachable from any open
 * status, {@code refunded} from paid. Moving forward may skip statuses; moving back (or out of lost/refunded) needs
 * an explicit reopen; a paid deal goes back only through a refund. Every status needs the text
 * {@code deal.status.<code>} in every language.
 */
@Component
public class Pipeline {

    public static final String LOST = "lost";
    public static final String REFUNDED = "refunded";

    /** What moving from one status to another means. */
    public enum Move {
        /** the same status: nothing to do */
        SAME,
        /** later in the pipeline, paid included */
        FORWARD,
        LOST,
        REFUND,
        /** back to an earlier open status, or out of lost/refunded: needs an explicit reopen */
        REOPEN,
        NOT_ALLOWED
    }

    private final List<String> open;
    private final String paid;

    Pipeline(@Value("${partnerka.deal.statuses:new,in_progress,contract,paid}") List<String> statuses, Messages messages) {
        List<String> codes = statuses.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (codes.size() < 2) throw new IllegalStateException("partnerka.deal.statuses needs at least two statuses");
        if (new LinkedHashSet<>(codes).size() != codes.size()) {
            throw new IllegalStateException("partnerka.deal.statuses has a status twice: " + codes);
        }
        for (String code : codes) {
            if (!code.matches("[a-z][a-z0-9_]{0,19}")) {
                throw new IllegalStateException("A deal status is 1..20 of a-z, 0-9, _ starting with a letter: " + code);
            }
            if (code.equals(LOST) || code.equals(REFUNDED)) {
                throw new IllegalStateException("'" + code + "' is built in; do not list it in partnerka.deal.statuses");
            }
        }
        this.open = List.copyOf(codes.subList(0, codes.size() - 1));
        this.paid = codes.get(codes.size() - 1);
        for (String code : all()) {
            for (String lang : messages.languages()) {
                if (!messages.has(lang, "deal.status." + code)) {
                    throw new IllegalStateException("Deal status " + code + " has no text deal.status." + code + " in " + lang);
                }
            }
        }
    }

    /** Where a submitted client starts. */
    public String first() {
        return open.get(0);
    }

    /** The paid (won) status: moving there asks for the amount and accrues commission. */
    public String paid() {
        return paid;
    }

    public List<String> open() {
        return open;
    }

    /** Every status: open ones in order, paid, lost, refunded. */
    public List<String> all() {
        List<String> all = new ArrayList<>(open);
        all.add(paid);
        all.add(LOST);
        all.add(REFUNDED);
        return all;
    }

    public boolean isKnown(String status) {
        return status != null && all().contains(status);
    }

    public boolean isOpen(String status) {
        return open.contains(status);
    }

    public Move move(String from, String to) {
        if (!isKnown(from) || !isKnown(to)) return Move.NOT_ALLOWED;
        if (from.equals(to)) return Move.SAME;
        if (isOpen(from)) {
            if (to.equals(LOST)) return Move.LOST;
            if (to.equals(paid)) return Move.FORWARD;
            if (isOpen(to)) return open.indexOf(to) > open.indexOf(from) ? Move.FORWARD : Move.REOPEN;
            return Move.NOT_ALLOWED;
        }
        if (from.equals(paid)) return to.equals(REFUNDED) ? Move.REFUND : Move.NOT_ALLOWED;
        // lost or refunded: only a reopen into an open status
        return isOpen(to) ? Move.REOPEN : Move.NOT_ALLOWED;
    }

    /** The statuses a manager may move a deal to without reopening (the card's buttons). */
    public List<String> nextFrom(String from) {
        List<String> next = new ArrayList<>();
        if (isOpen(from)) {
            next.addAll(open.subList(open.indexOf(from) + 1, open.size()));
            next.add(paid);
            next.add(LOST);
        } else if (from.equals(paid)) {
            next.add(REFUNDED);
        }
        return next;
    }

    /** The statuses a reopen may go back to. */
    public List<String> reopenTargets(String from) {
        if (isOpen(from)) return List.copyOf(open.subList(0, open.indexOf(from)));
        if (from.equals(LOST) || from.equals(REFUNDED)) return open;
        return List.of();
    }
}
