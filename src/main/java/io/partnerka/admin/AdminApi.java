package io.partnerka.admin;

import io.partnerka.deal.ChangeResult;
import io.partnerka.payout.Payouts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The back office as JSON: the same operations as the pages, for scripts and reporting. Bearer tokens from
 * {@code partnerka.admin.api-tokens}; 401 without a valid token, 403 for what the token's role may not do, 404 for
 * unknown ids, 409 when a rule refuses (e.g. an item already decided), 400 for malformed input.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Partnerka back office")
@SecurityScheme(name = "token", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "token")
class AdminApi {

    private final ApprovalDesk approvals;
    private final PartnerDirectory partners;
    private final DealDesk deals;
    private final ProgramStats stats;
    private final AuditTrail audit;
    private final DripDesk drip;
    private final AdminAccounts accounts;
    private final PayoutDesk payoutDesk;

    AdminApi(ApprovalDesk approvals, PartnerDirectory partners, DealDesk deals, ProgramStats stats, AuditTrail audit,
             DripDesk drip, AdminAccounts accounts, PayoutDesk payoutDesk) {
        this.payoutDesk = payoutDesk;
        this.approvals = approvals;
        this.partners = partners;
        this.deals = deals;
        this.stats = stats;
        this.audit = audit;
        this.drip = drip;
        this.accounts = accounts;
    }

    public record Me(String name, String role, long actorId, Long telegramId) {
    }

    @GetMapping("/me")
    @Operation(summary = "Who this token acts as")
    Me me(Authentication auth) {
        Operator o = op(auth);
        return new Me(o.name(), o.role().name(), o.actorId(), o.telegramId());
    }

    // ---- approvals ----

    public record Queue(int pendingCount, List<ApprovalDesk.Item> pending) {
    }

    @GetMapping("/approvals")
    @Operation(summary = "Items waiting for a decision, oldest first (card: Telegram HTML)")
    Queue pending(Authentication auth, @RequestParam(defaultValue = "100") int limit) {
        return new Queue(approvals.pendingCount(), approvals.pending(op(auth), clamp(limit)));
    }

    @GetMapping("/approvals/decided")
    @Operation(summary = "Items decided lately, newest first")
    List<ApprovalDesk.Item> decided(Authentication auth, @RequestParam(defaultValue = "50") int limit) {
        return approvals.decided(op(auth), clamp(limit));
    }

    @GetMapping("/approvals/{id}")
    ApprovalDesk.Item approval(@PathVariable long id, Authentication auth) {
        return approvals.find(id, op(auth));
    }

    @PostMapping("/approvals/{id}/approve")
    @Operation(summary = "Approve (409 when already decided, in the bot or here)")
    ApprovalDesk.Item approve(@PathVariable long id, Authentication auth) {
        approvals.approve(id, op(auth));
        return approvals.find(id, op(auth));
    }

    public record Rejection(@Size(max = 1000) String reason) {
    }

    @PostMapping("/approvals/{id}/reject")
    @Operation(summary = "Reject with an optional reason the partner reads (409 when already decided)")
    ApprovalDesk.Item reject(@PathVariable long id, @Valid @RequestBody(required = false) Rejection body, Authentication auth) {
        approvals.reject(id, op(auth), body == null ? null : body.reason());
        return approvals.find(id, op(auth));
    }

    // ---- partners ----

    @GetMapping("/partners")
    @Operation(summary = "Partners, newest first; filters as on the page (activity: active | inactive)")
    List<PartnerDirectory.Row> partners(@RequestParam(required = false) String q, @RequestParam(required = false) String status,
                                        @RequestParam(required = false) String type, @RequestParam(required = false) String segment,
                                        @RequestParam(required = false) Long manager, @RequestParam(required = false) String activity,
                                        @RequestParam(defaultValue = "0") int page) {
        var rows = partners.search(new PartnerDirectory.Filter(q, status, type, segment, manager, activity, page));
        return rows.stream().limit(PartnerDirectory.Filter.PAGE_SIZE).toList();
    }

    @GetMapping("/partners/{id}")
    @Operation(summary = "The partner page: profile, balances, deals, ledger, training, drip history, questions, audit")
    PartnerDirectory.Profile partner(@PathVariable long id) {
        return partners.profile(id, audit);
    }

    public record Block(@Size(max = 500) String reason) {
    }

    @PostMapping("/partners/{id}/block")
    PartnerDirectory.Profile block(@PathVariable long id, @Valid @RequestBody(required = false) Block body, Authentication auth) {
        partners.block(id, op(auth), body == null ? null : body.reason());
        return partners.profile(id, audit);
    }

    @PostMapping("/partners/{id}/unblock")
    PartnerDirectory.Profile unblock(@PathVariable long id, Authentication auth) {
        partners.unblock(id, op(auth));
        return partners.profile(id, audit);
    }

    public record ManagerChange(@NotNull Long managerId) {
    }

    @PutMapping("/partners/{id}/manager")
    @Operation(summary = "Reassign the personal manager (one of the bot's managers)")
    PartnerDirectory.Profile reassign(@PathVariable long id, @Valid @RequestBody ManagerChange body, Authentication auth) {
        partners.reassign(id, body.managerId(), op(auth));
        return partners.profile(id, audit);
    }

    @GetMapping("/managers")
    List<PartnerDirectory.Manager> managers() {
        return partners.managers();
    }

    // ---- deals ----

    @GetMapping("/deals")
    List<DealDesk.Row> deals(@RequestParam(required = false) String q, @RequestParam(required = false) String status,
                             @RequestParam(required = false) Long partner, @RequestParam(required = false) String product,
                             @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                             @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                             @RequestParam(defaultValue = "0") int page) {
        return deals.search(new DealDesk.Filter(q, status, partner, product, from, to, page)).stream()
                .limit(DealDesk.Filter.PAGE_SIZE).toList();
    }

    @GetMapping("/deals/{id}")
    DealDesk.Detail deal(@PathVariable long id) {
        return deals.detail(id);
    }

    public record DealChangeRequest(@NotBlank String status,
                             @DecimalMin("0.01") @Digits(integer = 13, fraction = 2) BigDecimal amount,
                             @Size(min = 3, max = 3) String currency, @Size(max = 1000) String comment,
                             Boolean reopen, Integer expectedVersion) {
    }

    public record DealChanged(boolean changed, String fromStatus, DealDesk.Detail deal) {
    }

    @PostMapping("/deals/{id}/changes")
    @Operation(summary = "Move a deal (status, amount, comment); the partner is told as from the bot")
    DealChanged change(@PathVariable long id, @Valid @RequestBody DealChangeRequest body, Authentication auth) {
        deals.detail(id);
        ChangeResult r = deals.change(id, new DealDesk.Change(body.status(), body.amount(), body.currency(), body.comment(),
                Boolean.TRUE.equals(body.reopen()), body.expectedVersion()), op(auth));
        return new DealChanged(r.changed(), r.fromStatus(), deals.detail(id));
    }

    // ---- payouts ----

    @GetMapping("/payouts")
    @Operation(summary = "Payouts, newest first (status: REQUESTED, APPROVED, PAID, REJECTED, CANCELLED); accounts masked")
    List<PayoutDesk.Row> payouts(@RequestParam(required = false) String status, @RequestParam(required = false) Long partner,
                                 @RequestParam(defaultValue = "100") int limit) {
        return payoutDesk.list(status, partner, clamp(limit));
    }

    @GetMapping("/payouts/{id}")
    PayoutDesk.Row payout(@PathVariable long id) {
        return payoutDesk.find(id);
    }

    record Payment(@Size(max = 200) String reference) {
    }

    @PostMapping("/payouts/{id}/paid")
    @Operation(summary = "Mark an approved payout paid, with an optional payment reference (409 unless APPROVED)")
    PayoutDesk.Row markPaid(@PathVariable long id, @Valid @RequestBody(required = false) Payment body, Authentication auth) {
        return payoutDesk.markPaid(id, op(auth), body == null ? null : body.reference());
    }

    record Cancellation(@NotBlank @Size(max = Payouts.MAX_CANCEL_REASON) String reason) {
    }

    @PostMapping("/payouts/{id}/cancel")
    @Operation(summary = "Cancel an approved payout whose transfer bounced, with a reason the partner reads: the hold goes "
            + "back to the partner's balance (409 unless APPROVED: a paid or rejected payout cannot be cancelled)")
    PayoutDesk.Row cancel(@PathVariable long id, @Valid @RequestBody Cancellation body, Authentication auth) {
        return payoutDesk.cancel(id, op(auth), body.reason());
    }

    // ---- dashboard, audit, drip ----

    @GetMapping("/dashboard")
    @Operation(summary = "Funnel, months (clients, conversion, growth), top partners and the partner rating")
    ProgramStats.Dashboard dashboard() {
        return stats.dashboard();
    }

    @GetMapping("/audit")
    List<AuditTrail.Entry> audit(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                                 @RequestParam(required = false) String subject, @RequestParam(defaultValue = "0") int page) {
        return audit.search(new AuditTrail.Filter(actor, action, subject, page)).stream().limit(AuditTrail.Filter.PAGE_SIZE).toList();
    }

    @GetMapping("/drip/chains")
    List<DripDesk.ChainStats> chains() {
        return drip.chains();
    }

    @PostMapping("/drip/chains/{id}/pause")
    @Operation(summary = "Pause a chain (ADMIN)")
    List<DripDesk.ChainStats> pause(@PathVariable String id, Authentication auth) {
        drip.setPaused(id, true, op(auth));
        return drip.chains();
    }

    @PostMapping("/drip/chains/{id}/resume")
    @Operation(summary = "Resume a chain (ADMIN)")
    List<DripDesk.ChainStats> resume(@PathVariable String id, Authentication auth) {
        drip.setPaused(id, false, op(auth));
        return drip.chains();
    }

    @GetMapping("/drip/broadcasts")
    List<DripDesk.BroadcastStats> broadcasts(@RequestParam(defaultValue = "50") int limit) {
        return drip.broadcasts(clamp(limit));
    }

    private Operator op(Authentication auth) {
        return WebAdvice.operatorOf(auth, accounts);
    }

    private static int clamp(int limit) {
        return Math.max(1, Math.min(limit, 500));
    }
}
