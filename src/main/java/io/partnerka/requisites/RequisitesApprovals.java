package io.partnerka.requisites;

import io.partnerka.approval.ApprovalHandler;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.Messages;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A manager's card of a requisites version: the new version next to the one payouts use now, each changed line
 * marked ✏️ with the old value beside it. Numbers are masked on both sides; a changed account is recognised by its
 * fingerprint even when the masks look the same.
 */
@Component
class RequisitesApprovals implements ApprovalHandler {

    private static final String[] FIELDS = {"method", "account", "bankCode", "legalName", "taxId", "currency"};
    private final Requisites requisites;
    private final Partners partners;
    private final Messages messages;

    RequisitesApprovals(Requisites requisites, Partners partners, Messages messages) {
        this.requisites = requisites;
        this.partners = partners;
        this.messages = messages;
    }

    @Override
    public String kind() {
        return Requisites.KIND;
    }

    @Override
    public String card(long subjectId, String lang) {
        RequisitesView v = requisites.find(subjectId).orElseThrow();
        PartnerView p = partners.byId(v.partnerId()).orElseThrow();
        Optional<RequisitesView> current = requisites.approvedBefore(v);
        StringBuilder lines = new StringBuilder();
        Map<String, Object> now = Requisites.fields(v);
        Map<String, Object> was = current.map(Requisites::fields).orElse(null);
        for (String f : FIELDS) {
            String value = shown(lang, f, now.get(f));
            String label = messages.text(lang, "requisites.label." + f);
            boolean changed = was != null && ("account".equals(f)
                    ? !requisites.sameAccount(v.id(), current.get().id())
                    : !Objects.equals(now.get(f), was.get(f)));
            if (changed) {
                lines.append(messages.text(lang, "requisites.diff-changed", Map.of("label", label, "value", value,
                        "old", shown(lang, f, was.get(f)))));
            } else {
                lines.append(messages.text(lang, "requisites.diff-same", Map.of("label", label, "value", value)));
            }
            lines.append('\n');
        }
        return messages.text(lang, current.isPresent() ? "requisites.card-change" : "requisites.card-first", Map.of(
                "name", p.name(), "partnerId", p.id(), "version", v.version(),
                "approvedVersion", current.map(RequisitesView::version).orElse(0),
                "lines", new Messages.Trusted(lines.toString().strip())));
    }

    private String shown(String lang, String field, Object value) {
        if (value == null) return "—";
        if ("method".equals(field)) return messages.text(lang, "requisites.method." + value);
        return String.valueOf(value);
    }

    @Override
    public void approved(long subjectId, Decider decider) {
        requisites.decide(subjectId, true, null);
    }

    @Override
    public void rejected(long subjectId, Decider decider, String reason) {
        requisites.decide(subjectId, false, reason);
    }
}
