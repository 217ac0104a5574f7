package io.partnerka.miniapp;

import io.partnerka.approval.ApprovalView;
import io.partnerka.approval.Approvals;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.UserError;
import io.partnerka.deal.ChangeResult;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.deal.Deals;
import io.partnerka.partner.Partners;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The managers' views: the approval queue (decided through {@link Approvals}, so the first decision wins whether it
 * comes from the bot, the admin web app or here) and the deals board (moved through {@link Deals#change} as the
 * bot's manager buttons move a deal: same rules, the partner told the same way, the same audit entry). 403 for
 * anyone who is not a manager.
 */
@RestController
@RequestMapping("/app/api")
class ManagerApi {

    static final String CHANNEL = "miniapp";
    private static final int QUEUE_PAGE = 25, BOARD_COLUMN = 20, BOARD_PAGE = 50;

    private final Approvals approvals;
    private final Deals deals;
    private final Partners partners;

    ManagerApi(Approvals approvals, Deals deals, Partners partners) {
        this.approvals = approvals;
        this.deals = deals;
        this.partners = partners;
    }

    record QueueItem(long id, String kind, String subject, long subjectId, String title, String card, String invoiceUrl,
                     Instant createdAt) {
    }

    /**
     * The oldest {@code QUEUE_PAGE} pending items with their cards, and how many wait in all: each card reads its
     * subject, partner and balance, so a queue of a hundred payouts made every opening cost five hundred queries; the
     * page shows the next ones as these are decided. The cards of one kind are read together (a payout's in four
     * queries for the whole page), in one read-only transaction.
     */
    @GetMapping("/queue")
    @Transactional(readOnly = true)
    Map<String, Object> queue(MiniAppUser user) {
        manager(user);
        List<ApprovalView> pending = approvals.pending(QUEUE_PAGE);
        Map<Long, String> cards = approvals.cardTexts(pending, user.language());
        List<QueueItem> items = pending.stream().map(v -> item(v, cards.get(v.id()))).toList();
        return Map.of("items", items, "total", Math.max(items.size(), approvals.pendingCount()));
    }

    private static QueueItem item(ApprovalView v, String cardText) {
        String card = Plain.text(cardText);
        String title = card.lines().filter(l -> !l.isBlank()).findFirst().orElse(v.kind() + "#" + v.subjectId()).strip();
        return new QueueItem(v.id(), v.kind(), v.kind() + "#" + v.subjectId(), v.subjectId(), title, card,
                "payout".equals(v.kind()) ? "/app/api/payouts/" + v.subjectId() + "/invoice.pdf" : null, v.createdAt());
    }

    record Reason(String reason) {
    }

    @PostMapping("/queue/{id}/approve")
    Map<String, String> approve(MiniAppUser user, @PathVariable long id) {
        manager(user);
        approvals.find(id).orElseThrow(MiniAppErrors.Refusal::notFound);
        approvals.approve(id, decider(user));
        return Map.of("status", "approved");
    }

    @PostMapping("/queue/{id}/reject")
    Map<String, String> reject(MiniAppUser user, @PathVariable long id, @RequestBody(required = false) Reason body) {
        manager(user);
        approvals.find(id).orElseThrow(MiniAppErrors.Refusal::notFound);
        String reason = body == null || body.reason() == null || body.reason().isBlank() ? null : body.reason().strip();
        if (reason != null && reason.length() > 1000) throw new UserError("validation.too-long", Map.of("max", 1000));
        approvals.reject(id, decider(user), reason);
        return Map.of("status", "rejected");
    }

    record Card(long id, String client, String partner, Long partnerId, Money amount, Instant updatedAt, int version) {
    }

    record Column(String status, String label, int total, List<Card> deals) {
    }

    record Board(List<Column> columns, Map<String, List<String>> next, List<String> currencies) {
    }

    /**
     * The deals by status (the same scope as the bot's /deals: every manager sees every deal): each column's
     * {@code BOARD_COLUMN} longest unchanged with its size; {@code ?status=…&offset=…} gives that column's next
     * {@code BOARD_PAGE}. A phone shows a few cards at a time, and the paid and lost columns only grow.
     */
    @GetMapping("/deals/board")
    @Transactional(readOnly = true)
    Board board(MiniAppUser user, @RequestParam(required = false) String status, @RequestParam(defaultValue = "0") int offset) {
        manager(user);
        String lang = user.language();
        List<String> statuses = deals.pipeline().all();
        List<Deals.BoardColumn> columns;
        if (status == null) {
            columns = deals.board(statuses, BOARD_COLUMN);
        } else {
            if (!statuses.contains(status) || offset < 0) throw MiniAppErrors.Refusal.notFound();
            columns = List.of(deals.boardColumn(status, offset, BOARD_PAGE));
        }
        Map<Long, String> names = partners.names(columns.stream().flatMap(c -> c.deals().stream())
                .map(DealView::partnerId).distinct().toList());
        Map<String, List<String>> next = new LinkedHashMap<>();
        statuses.forEach(s -> next.put(s, deals.pipeline().nextFrom(s)));
        return new Board(columns.stream().map(c -> new Column(c.status(), deals.statusLabel(c.status(), lang), c.total(),
                c.deals().stream().map(d -> new Card(d.id(), d.clientName(), names.getOrDefault(d.partnerId(), "—"),
                        d.partnerId(), Money.of(d.amount(), d.currency(), lang), d.statusChangedAt(), d.version())).toList()))
                .toList(), next, deals.currencies());
    }

    record Move(String status, String comment, String amount, String currency, Integer version) {
    }

    @PostMapping("/deals/{id}/move")
    Map<String, Object> move(MiniAppUser user, @PathVariable long id, @RequestBody Move m) {
        manager(user);
        deals.find(id).orElseThrow(MiniAppErrors.Refusal::notFound);
        BigDecimal amount = null;
        if (m.amount() != null && !m.amount().isBlank()) {
            try {
                amount = new BigDecimal(m.amount().strip().replace(',', '.').replace(" ", ""));
            } catch (NumberFormatException e) {
                throw new UserError("validation.amount");
            }
        }
        String currency = amount == null ? null : m.currency() == null || m.currency().isBlank() ? deals.currencies().get(0) : m.currency();
        // the same change, audit entry and message to the partner as the bot's manager buttons; the audit says Mini App
        ChangeResult r = deals.change(id, new DealChange(m.status(), amount, currency, m.comment(), false, m.version(),
                DealChange.MINI_APP, user.userId(), user.name()));
        return Map.of("status", r.deal().status(), "changed", r.changed(), "version", r.deal().version());
    }

    private static void manager(MiniAppUser user) {
        if (!user.isManager()) throw MiniAppErrors.Refusal.forbidden();
    }

    private static Decider decider(MiniAppUser user) {
        return new Decider(user.userId(), user.name(), CHANNEL);
    }
}
