package io.partnerka.admin;

import io.partnerka.conversation.UserError;
import io.partnerka.admin.web.AdminFormat;
import io.partnerka.payout.Payouts;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Payouts: statuses, mark paid with a payment reference, cancel a bounced one with a reason, the invoice PDF, a CSV for accounting. */
@Controller
class PayoutPages implements AdminPage {

    private final PayoutDesk desk;
    private final AdminAccounts accounts;
    private final WebAdvice advice;
    private final AdminFormat format;

    PayoutPages(PayoutDesk desk, AdminAccounts accounts, WebAdvice advice, AdminFormat format) {
        this.desk = desk;
        this.accounts = accounts;
        this.advice = advice;
        this.format = format;
    }

    @GetMapping("/admin/payouts")
    String list(@RequestParam(required = false) String status, @RequestParam(required = false) Long partner, Model model) {
        model.addAttribute("rows", desk.list(status, partner, 500));
        model.addAttribute("status", status);
        model.addAttribute("partner", partner);
        model.addAttribute("statuses", PayoutDesk.STATUSES);
        return "admin/payouts";
    }

    @PostMapping("/admin/payouts/{id}/paid")
    String markPaid(@PathVariable long id, @RequestParam(required = false) String reference, Authentication auth,
                    RedirectAttributes redirect) {
        if (reference != null && reference.strip().length() > 200) {
            redirect.addFlashAttribute("referenceError", id);
            redirect.addFlashAttribute("error", advice.words().text("web.payouts.reference-too-long"));
            return "redirect:/admin/payouts?status=APPROVED";
        }
        try {
            desk.markPaid(id, WebAdvice.operatorOf(auth, accounts), reference);
            WebText t = advice.words();
            redirect.addFlashAttribute("notice", t.text("web.payouts.paid-notice", "what", t.ref("payout", id)));
        } catch (UserError e) {
            redirect.addFlashAttribute("error", advice.text(e));
        }
        return "redirect:/admin/payouts";
    }

    @PostMapping("/admin/payouts/{id}/cancel")
    String cancel(@PathVariable long id, @RequestParam(required = false) String reason, Authentication auth,
                  RedirectAttributes redirect) {
        if (reason == null || reason.isBlank() || reason.strip().length() > Payouts.MAX_CANCEL_REASON) {
            redirect.addFlashAttribute("cancelError", id);
            redirect.addFlashAttribute("error", "Give the reason for the cancellation (at most " + Payouts.MAX_CANCEL_REASON
                    + " characters): the partner reads it.");
            return "redirect:/admin/payouts?status=APPROVED";
        }
        try {
            desk.cancel(id, WebAdvice.operatorOf(auth, accounts), reason);
            redirect.addFlashAttribute("notice", "Payout #" + id + " cancelled; the money is back on the partner's balance and the partner has been told.");
        } catch (UserError e) {
            redirect.addFlashAttribute("error", advice.text(e));
        }
        return "redirect:/admin/payouts";
    }

    @GetMapping("/admin/payouts/{id}/invoice.pdf")
    ResponseEntity<byte[]> invoice(@PathVariable long id) {
        byte[] pdf = desk.invoice(id).orElseThrow(() -> ApprovalDesk.notFound("invoice of payout", id));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"invoice-" + id + ".pdf\"").body(pdf);
    }

    @GetMapping("/admin/payouts.csv")
    ResponseEntity<byte[]> csv(@RequestParam(required = false) String status, @RequestParam(required = false) Long partner) {
        StringBuilder csv = new StringBuilder("payout_id,invoice_number,partner_id,partner_name,amount,currency,status,requested_at,"
                + "approved_at,paid_at,payment_reference,reject_reason,method,account_masked,legal_name,cancelled_at,cancel_reason\r\n");
        for (PayoutDesk.Row r : desk.list(status, partner, 100_000)) {
            CsvExports.line(csv, r.id(), r.invoiceNumber(), r.partnerId(), r.partnerName(), r.amount().toPlainString(), r.currency(),
                    r.status(), format.time(r.createdAt()), format.time(r.approvedAt()), format.time(r.paidAt()), r.reference(),
                    r.rejectReason(), r.method(), r.account(), r.legalName(), format.time(r.cancelledAt()), r.cancelReason());
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"payouts.csv\"")
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(("\uFEFF" + csv).getBytes(StandardCharsets.UTF_8));
    }
}
