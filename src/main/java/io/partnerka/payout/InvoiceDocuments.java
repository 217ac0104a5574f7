package io.partnerka.payout;

import io.partnerka.conversation.DocumentStore;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Invoices are kept once, with their payout ({@code payout.invoice_pdf}); messages refer to them by payout id and the
 * transport reads the PDF when it sends, so no copy of the invoice (a partner's name, requisites) lies in the outbox.
 */
@Component
class InvoiceDocuments implements DocumentStore {

    static final String NAME = "invoice";

    private final Payouts payouts;

    InvoiceDocuments(Payouts payouts) {
        this.payouts = payouts;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<byte[]> content(String key) {
        if (key == null || !key.matches("\\d{1,18}")) return Optional.empty();
        return payouts.invoicePdf(Long.parseLong(key));
    }
}
