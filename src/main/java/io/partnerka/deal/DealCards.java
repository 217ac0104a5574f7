package io.partnerka.deal;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Reply;
import io.partnerka.money.Commission;
import io.partnerka.money.Ledger;
import io.partnerka.conversation.Formats;
import io.partnerka.money.Rate;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** How deals read: the partner's client card, the manager's deal card with its buttons, the money line of a list. */
@Component
class DealCards {

    /** Callback prefix of the manager's deal buttons: "dm:c|m|r|o:<id>:<version>[:<status>]". */
    static final String MANAGER_PREFIX = "dm";

    private final DealStore store;
    private final Pipeline pipeline;
    private final Catalog catalog;
    private final Ledger ledger;
    private final Partners partners;
    private final Notifier notifier;
    private final Messages messages;
    private final Formats formats;

    DealCards(DealStore store, Pipeline pipeline, Catalog catalog, Ledger ledger, Partners partners, Notifier notifier,
              Messages messages, Formats formats) {
        this.store = store;
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.ledger = ledger;
        this.partners = partners;
        this.notifier = notifier;
        this.messages = messages;
        this.formats = formats;
    }

    /** A formatted amount as a message argument: digits, separators and a currency sign, safe as it is. */
    static Messages.Trusted amount(java.math.BigDecimal value, String currency, String lang) {
        return new Messages.Trusted(Formats.money(value, currency, lang));
    }

    /** "—" for a missing value (as is: the catalog's escaping would turn it into an entity Telegram does not know). */
    static final Messages.Trusted NONE = new Messages.Trusted("—");

    String status(String code, String lang) {
        return messages.text(lang, "deal.status." + code);
    }

    String product(String id, String lang) {
        return catalog.title(id, lang);
    }

    String date(Instant at, String lang) {
        return formats.date(at, lang);
    }

    /** "150 000,00 ₽ · commission 22 500,00 ₽ (15 %)", the expected one while open, or "amount not known yet". */
    String money(DealView d, Commission commission, Rate next, String lang) {
        Messages.Trusted amount = amount(d.amount(), d.currency(), lang);
        if (commission != null) {
            return messages.text(lang, "deal.money.earned", Map.of("amount", amount,
                    "commission", amount(commission.amount(), commission.currency(), lang),
                    "rate", Formats.percent(commission.rate(), lang)));
        }
        if (d.amount() == null) return messages.text(lang, "deal.money.unknown");
        if (pipeline.isOpen(d.status())) {
            return messages.text(lang, "deal.money.expected", Map.of("amount", amount,
                    "commission", amount(d.amount().multiply(next.percent())
                            .divide(java.math.BigDecimal.valueOf(100), 2, java.math.RoundingMode.HALF_UP), d.currency(), lang),
                    "rate", Formats.percent(next.percent(), lang)));
        }
        return messages.text(lang, d.status().equals(Pipeline.REFUNDED) ? "deal.money.reversed" : "deal.money.amount-only",
                Map.of("amount", amount));
    }

    /** The client card a partner reads: the client, the money, and the whole history with managers' comments. */
    String partnerCard(DealView d, String lang) {
        return messages.text(lang, "deal.card.partner", Map.of(
                "id", d.id(), "name", d.clientName(), "phone", d.clientPhone(), "product", product(d.product(), lang),
                "comment", optional(d.comment()), "status", status(d.status(), lang),
                "money", new Messages.Trusted(money(d, ledger.commissionOf(d.id()).orElse(null), ledger.nextRate(d.partnerId()), lang)),
                "submitted", formats.dateTime(d.submittedAt(), lang),
                "history", new Messages.Trusted(history(store.history(d.id()), lang))));
    }

    /** A manager's deal card with buttons for the next statuses (and reopen), signed for that manager's chat. */
    Reply.Text managerCard(DealView d, long chatId, String headerKey) {
        return managerCard(d, partners.byId(d.partnerId()).orElseThrow(), ledger.commissionOf(d.id()).orElse(null),
                ledger.nextRate(d.partnerId()), store.history(d.id()), chatId, headerKey);
    }

    /**
     * A manager's card of a deal just submitted, from what the submission knows (no reads): its partner, its one
     * history entry, no commission yet, and the partner's rate.
     */
    Reply.Text newClientCard(DealView d, PartnerView partner, HistoryEntry first, Rate next, long chatId) {
        return managerCard(d, partner, null, next, List.of(first), chatId, "deal.manager.new-client");
    }

    private Reply.Text managerCard(DealView d, PartnerView partner, Commission commission, Rate next,
                                   List<HistoryEntry> history, long chatId, String headerKey) {
        String lang = notifier.languageOf(chatId);
        String body = messages.text(lang, "deal.card.manager", Messages.args(
                "header", new Messages.Trusted(headerKey == null ? "" : messages.text(lang, headerKey) + "\n\n"),
                "id", d.id(), "name", d.clientName(), "phone", d.clientPhone(), "product", product(d.product(), lang),
                "comment", optional(d.comment()), "status", status(d.status(), lang),
                "partner", partner.name(), "partnerId", partner.id(),
                "money", new Messages.Trusted(money(d, commission, next, lang)),
                "submitted", formats.dateTime(d.submittedAt(), lang),
                "history", new Messages.Trusted(history(history, lang))));
        return Reply.Text.of(body).withButtons(managerButtons(d, chatId, lang));
    }

    private List<List<Button>> managerButtons(DealView d, long chatId, String lang) {
        List<Button> all = new ArrayList<>();
        String base = MANAGER_PREFIX + ":%s:" + d.id() + ":" + d.version();
        for (String next : pipeline.nextFrom(d.status())) {
            String label = next.equals(Pipeline.REFUNDED) ? messages.text(lang, "deal.button.refund")
                    : messages.text(lang, "deal.button.move", Map.of("status", status(next, lang)));
            all.add(notifier.button(chatId, label, base.formatted("m") + ":" + next));
        }
        if (!pipeline.reopenTargets(d.status()).isEmpty()) {
            all.add(notifier.button(chatId, messages.text(lang, "deal.button.reopen"), base.formatted("r")));
        }
        return rows(all, 2);
    }

    /** The reopen choice: the statuses a deal may go back to. */
    Reply.Text reopenChoice(DealView d, long chatId) {
        String lang = notifier.languageOf(chatId);
        List<Button> all = new ArrayList<>();
        for (String target : pipeline.reopenTargets(d.status())) {
            all.add(notifier.button(chatId, messages.text(lang, "deal.button.move", Map.of("status", status(target, lang))),
                    MANAGER_PREFIX + ":o:" + d.id() + ":" + d.version() + ":" + target));
        }
        return Reply.Text.of(messages.text(lang, "deal.manager.reopen-which", Map.of("id", d.id(), "name", d.clientName(),
                "status", status(d.status(), lang)))).withButtons(rows(all, 2));
    }

    private String history(List<HistoryEntry> entries, String lang) {
        StringBuilder out = new StringBuilder();
        for (HistoryEntry h : entries) {
            String note = h.comment() == null ? "" : messages.text(lang, "deal.card.history-comment", Map.of("comment", h.comment()));
            Messages.Trusted amount = new Messages.Trusted(h.amount() == null ? "" : " · " + Formats.money(h.amount(), h.currency(), lang));
            out.append(messages.text(lang, "deal.card.history-line", Map.of("at", formats.shortDateTime(h.at(), lang),
                    "status", status(h.toStatus(), lang), "amount", amount, "comment", new Messages.Trusted(note)))).append('\n');
        }
        return out.toString().strip();
    }

    private static Object optional(String value) {
        return value == null ? NONE : value;
    }

    static <T> List<List<T>> rows(List<T> items, int perRow) {
        List<List<T>> rows = new ArrayList<>();
        for (int i = 0; i < items.size(); i += perRow) rows.add(List.copyOf(items.subList(i, Math.min(items.size(), i + perRow))));
        return rows;
    }
}
