package io.partnerka.partner;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Input;
import io.partnerka.approval.Approvals;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Roles;
import io.partnerka.conversation.UserError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Partners and their applications: the form, the prescoring outcome, a manager's decision, the personal manager.
 */
@Service
public class Partners {

    private final PartnerRepository repository;
    private final Map<Long, Long> partnerIds = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final Notifier notifier;
    private final Roles roles;
    private final Approvals approvals;
    private final ApplicationEventPublisher events;
    private final Duration reapplyAfter;
    private final Formats formats;

    Partners(PartnerRepository repository, JdbcClient jdbc, Notifier notifier, Roles roles, Approvals approvals,
             ApplicationEventPublisher events,
             @Value("${partnerka.application.reapply-after:30d}") Duration reapplyAfter,
             Formats formats) {
        this.repository = repository;
        this.jdbc = jdbc;
        this.notifier = notifier;
        this.roles = roles;
        this.approvals = approvals;
        this.events = events;
        this.reapplyAfter = reapplyAfter;
        this.formats = formats;
    }

    public Optional<PartnerView> byUser(long userId) {
        return ofUser(userId).map(Partner::view);
    }

    /**
     * The same as {@link #byUser}, read with one plain query outside any persistence context: for callers that only
     * look and ask often (the Mini App on every request), where a Hibernate session and transaction cost more than
     * the query itself.
     */
    public Optional<PartnerView> readByUser(long userId) {
        return jdbc.sql("""
                        SELECT id, user_id, chat_id, status, type, name, city, phone, email, source, segment, manager_id, score,
                               applied_at, decided_at FROM partner WHERE user_id = ?""")
                .param(userId).query((rs, n) -> {
                    long managerId = rs.getLong("manager_id");
                    Long manager = rs.wasNull() ? null : managerId;
                    int score = rs.getInt("score");
                    Integer scored = rs.wasNull() ? null : score;
                    java.sql.Timestamp decided = rs.getTimestamp("decided_at");
                    return new PartnerView(rs.getLong("id"), rs.getLong("user_id"), rs.getLong("chat_id"),
                            PartnerStatus.valueOf(rs.getString("status")), rs.getString("type"), rs.getString("name"),
                            rs.getString("city"), Input.maskPhone(rs.getString("phone")), rs.getString("email"),
                            rs.getString("source"), rs.getString("segment"), manager, scored,
                            rs.getTimestamp("applied_at").toInstant(), decided == null ? null : decided.toInstant());
                }).optional();
    }

    /**
     * Every module's menu asks for the same person on every update: the user → partner id link (which never changes)
     * is remembered, and the entity comes from the transaction's persistence context after the first look-up.
     */
    private Optional<Partner> ofUser(long userId) {
        Long known = partnerIds.get(userId);
        if (known != null) {
            Optional<Partner> p = repository.findById(known).filter(found -> found.userId == userId);
            if (p.isPresent()) return p;
            partnerIds.remove(userId);
        }
        Optional<Long> id = jdbc.sql("SELECT id FROM partner WHERE user_id = ?").param(userId).query(Long.class).optional();
        id.ifPresent(found -> partnerIds.put(userId, found));
        return id.flatMap(repository::findById);
    }

    public Optional<PartnerView> byId(long partnerId) {
        return repository.findById(partnerId).map(Partner::view);
    }

    /** Partners' names by id, in one query (a board names the partner on every card); unknown or unnamed ones are left out. */
    @Transactional(readOnly = true)
    public Map<Long, String> names(java.util.Collection<Long> partnerIds) {
        if (partnerIds.isEmpty()) return Map.of();
        return jdbc.sql("SELECT id, name FROM partner WHERE id = ANY(?) AND name IS NOT NULL").param(partnerIds.toArray(Long[]::new))
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2))).list().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Partners whose id, name or phone digits match a manager's query, best first. */
    public List<PartnerView> search(String query, int limit) {
        String q = query.strip();
        if (q.matches("\\d{1,18}") && q.length() < 6) {
            return byId(Long.parseLong(q)).map(List::of).orElse(List.of());
        }
        String digits = q.replaceAll("\\D", "");
        return jdbc.sql("""
                        SELECT id FROM partner
                        WHERE name ILIKE '%' || ? || '%' OR (length(?) >= 6 AND regexp_replace(phone, '\\D', '', 'g') LIKE '%' || ? || '%')
                        ORDER BY (lower(name) = lower(?)) DESC, applied_at DESC LIMIT ?""")
                .params(q.replace("%", "\\%").replace("_", "\\_"), digits, digits, q, limit)
                .query(Long.class).list().stream().map(id -> byId(id).orElseThrow()).toList();
    }

    /** An approved partner's view, or a refusal the person understands. */
    public PartnerView approvedPartner(long userId) {
        PartnerView p = byUser(userId).orElseThrow(() -> new UserError("partner.not-a-partner"));
        if (!p.isApproved()) throw new UserError("partner.not-approved-yet");
        return p;
    }

    /** Whether this is the phone the person gave in their own application (E.164 on both sides). */
    public boolean isOwnPhone(long userId, String e164) {
        return ofUser(userId).map(p -> e164 != null && e164.equals(p.phone)).orElse(false);
    }

    /**
     * The partner's phone as a reader may see it: in full to their personal manager (who calls them back), masked to
     * everyone else.
     */
    public String phoneFor(long partnerId, long readerId) {
        return repository.findById(partnerId)
                .map(p -> p.managerId != null && p.managerId == readerId ? p.phone : p.view().maskedPhone())
                .orElse("—");
    }

    /** The chat of a partner's personal manager, or every manager when none is assigned. */
    public List<Long> managersOf(long partnerId) {
        return repository.findById(partnerId).map(p -> p.managerId).map(List::of).orElse(roles.managerIds());
    }

    /** The {@code /start} payload a person first came with (first touch wins). */
    @Transactional
    public void recordFirstTouch(long userId, String payload) {
        if (payload == null || !payload.matches("[A-Za-z0-9_-]{1,64}")) return;
        jdbc.sql("INSERT INTO first_touch (user_id, payload) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING")
                .params(userId, payload).update();
    }

    public Optional<String> firstTouch(long userId) {
        return jdbc.sql("SELECT payload FROM first_touch WHERE user_id = ?").param(userId).query(String.class).optional();
    }

    /** Whether a person may fill in the form now; if not, the reason as a refusal. */
    void checkMayApply(long userId) {
        Optional<Partner> existing = ofUser(userId);
        if (existing.isEmpty()) return;
        Partner p = existing.get();
        switch (p.status) {
            case APPROVED -> throw new UserError("apply.already-partner");
            case PENDING_REVIEW -> throw new UserError("apply.already-pending");
            case BLOCKED -> throw new UserError("apply.blocked");
            case REJECTED -> {
                Instant allowed = p.decidedAt.plus(reapplyAfter);
                if (allowed.isAfter(Instant.now())) {
                    throw new UserError("apply.cooldown", Map.of("date", formats.date(allowed, notifier.languageOf(p.chatId))));
                }
            }
            case PRESCORING -> { }
        }
    }

    boolean isInPrescoring(long userId) {
        return ofUser(userId).map(p -> p.status == PartnerStatus.PRESCORING).orElse(false);
    }

    /** The form is filled: the application exists, prescoring follows. */
    @Transactional
    void submitApplication(long userId, long chatId, String language, ApplicationDraft draft) {
        checkMayApply(userId);
        Partner p = ofUser(userId).orElseGet(Partner::new);
        p.userId = userId;
        p.chatId = chatId;
        p.status = PartnerStatus.PRESCORING;
        p.type = draft.type();
        p.segment = draft.type();
        p.name = draft.name();
        p.city = draft.city();
        p.phone = draft.phone();
        p.email = draft.email();
        p.source = draft.source();
        p.language = language;
        p.appliedAt = Instant.now();
        p.decidedAt = null;
        p.rejectReason = null;
        p.score = null;
        repository.save(p);
        events.publishEvent(new ApplicationSubmitted(p.id, userId, firstTouch(userId).orElse(null)));
    }

    /** What prescoring decided: approve at once, reject politely, or ask a manager. */
    public enum Outcome { APPROVE, REJECT, REVIEW }

    /** Called by prescoring when the questionnaire is done; the partner is told what happens next. */
    @Transactional
    public void prescored(long userId, int score, Outcome outcome, String rejectText) {
        Partner p = ofUser(userId).orElseThrow(() -> new UserError("partner.not-a-partner"));
        if (p.status != PartnerStatus.PRESCORING) throw new UserError("apply.already-pending");
        p.score = score;
        switch (outcome) {
            case APPROVE -> approve(p);
            case REJECT -> reject(p, rejectText);
            case REVIEW -> {
                p.status = PartnerStatus.PENDING_REVIEW;
                repository.save(p);
                approvals.submit(ApplicationApprovals.KIND, p.id);
                notifier.sayWithMenu(p.chatId, "apply.under-review");
            }
        }
    }

    void approve(Partner p) {
        p.status = PartnerStatus.APPROVED;
        p.decidedAt = Instant.now();
        p.managerId = nextManager();
        repository.save(p);
        String manager = p.managerId == null ? "—" : managerName(p.managerId, p.chatId);
        notifier.sayWithMenu(p.chatId, "apply.approved", "name", p.name, "manager", manager);
        if (p.managerId != null) {
            notifier.say(p.managerId, "partner.assigned-to-you", "name", p.name, "city", p.city, "id", p.id);
        }
        events.publishEvent(new PartnerApproved(p.id, p.userId, p.managerId, p.type));
    }

    void reject(Partner p, String reason) {
        p.status = PartnerStatus.REJECTED;
        p.decidedAt = Instant.now();
        p.rejectReason = reason;
        repository.save(p);
        String again = formats.date(p.decidedAt.plus(reapplyAfter), notifier.languageOf(p.chatId));
        if (reason == null || reason.isBlank()) {
            notifier.sayWithMenu(p.chatId, "apply.rejected", "date", again);
        } else {
            notifier.sayWithMenu(p.chatId, "apply.rejected-with-reason", "reason", reason, "date", again);
        }
    }

    Optional<Partner> entity(long partnerId) {
        return repository.findById(partnerId);
    }

    /** Round robin over the configured managers; a database sequence keeps it fair across restarts and instances. */
    private Long nextManager() {
        List<Long> managers = roles.managerIds();
        if (managers.isEmpty()) return null;
        long n = jdbc.sql("SELECT nextval('manager_round_robin')").query(Long.class).single();
        return managers.get((int) ((n - 1) % managers.size()));
    }

    /** The manager's name as the reader (a partner) sees it; the fallback is in the reader's language. */
    private String managerName(long managerId, long readerChatId) {
        return jdbc.sql("SELECT coalesce(CASE WHEN username IS NOT NULL THEN first_name || ' (@' || username || ')' END, first_name) FROM chat WHERE chat_id = ?")
                .param(managerId).query(String.class).optional().filter(s -> !s.isBlank())
                .orElse(notifier.text(readerChatId, "partner.your-manager-default", Map.of()));
    }
}
