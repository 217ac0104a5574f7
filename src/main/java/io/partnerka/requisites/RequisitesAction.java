package io.partnerka.requisites;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Reply;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code /requisites} (and the profile's button "rq:show"): the approved version and any version waiting, masked,
 * with a button to set or change them ("rq:edit").
 */
@Component
class RequisitesAction implements ChatAction {

    private final Requisites requisites;
    private final Partners partners;

    RequisitesAction(Requisites requisites, Partners partners) {
        this.requisites = requisites;
        this.partners = partners;
    }

    @Override
    public Set<String> commands() {
        return Set.of("requisites");
    }

    @Override
    public String callbackPrefix() {
        return "rq";
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if ("edit".equals(args)) {
            ctx.startFlow(RequisitesFlows.START);
            return;
        }
        PartnerView p = partners.approvedPartner(ctx.userId());
        Optional<RequisitesView> approved = requisites.approved(p.id());
        Optional<RequisitesView> pending = requisites.pending(p.id());
        StringBuilder text = new StringBuilder();
        if (approved.isPresent()) {
            text.append(ctx.text("requisites.current", "details", describe(ctx, approved.get())));
        } else {
            text.append(ctx.text("requisites.none"));
        }
        pending.ifPresent(v -> text.append("\n\n").append(ctx.text("requisites.pending", "details", describe(ctx, v))));
        List<List<io.partnerka.conversation.Button>> rows = new ArrayList<>();
        if (pending.isEmpty()) {
            rows.add(List.of(ctx.button(ctx.text(approved.isPresent() ? "requisites.change-button" : "requisites.set-button"), "rq:edit")));
        }
        ctx.reply(Reply.Text.of(text.toString()).withButtons(rows));
    }

    /** The details of a version as a trusted block (each value escaped by the message catalogue). */
    static io.partnerka.conversation.Messages.Trusted describe(ChatContext ctx, RequisitesView v) {
        return new io.partnerka.conversation.Messages.Trusted(ctx.text("requisites.details",
                "method", ctx.text("requisites.method." + v.method()), "account", v.maskedAccount(),
                "bankCode", v.bankCode() == null ? "—" : v.bankCode(), "legalName", v.legalName(),
                "taxId", v.taxId() == null ? "—" : v.taxId(), "currency", v.currency(), "version", v.version()));
    }
}
