package io.partnerka.partner;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.UserError;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** {@code /partner <id | name | phone digits>} for managers: the partner card with every module's section. */
@Component
class PartnerLookupAction implements ChatAction {

    static final int MAX_MATCHES = 5;
    private final Partners partners;
    // looked up lazily: sections come from modules that depend on this one
    private final ObjectProvider<PartnerCardSection> sections;

    PartnerLookupAction(Partners partners, ObjectProvider<PartnerCardSection> sections) {
        this.partners = partners;
        this.sections = sections;
    }

    @Override
    public Set<String> commands() {
        return Set.of("partner");
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (!ctx.isManager()) throw new UserError("common.not-manager");
        String query = args.strip();
        if (query.isEmpty() || query.length() > 100 || query.length() < 2 && !query.matches("\\d")) {
            ctx.say("partner.lookup-usage");
            return;
        }
        List<PartnerView> found = partners.search(query, MAX_MATCHES + 1);
        if (found.isEmpty()) {
            ctx.say("partner.lookup-none", "query", query);
            return;
        }
        if (found.size() > MAX_MATCHES) ctx.say("partner.lookup-many", "count", MAX_MATCHES);
        found.stream().limit(MAX_MATCHES).forEach(p -> ctx.say("partner.card", card(ctx, p)));
    }

    private java.util.Map<String, Object> card(ChatContext ctx, PartnerView p) {
        String extra = sections.orderedStream().map(s -> s.section(p, ctx.language())).filter(Objects::nonNull)
                .reduce((a, b) -> a + "\n" + b).orElse("");
        return java.util.Map.of("id", p.id(), "name", p.name(), "type", ctx.text("apply.type." + p.type()),
                "city", p.city(), "phone", p.maskedPhone(), "status",
                ctx.text("partner.status." + p.status().name().toLowerCase(Locale.ROOT)),
                "score", p.score() == null ? "—" : p.score(),
                "manager", p.managerId() == null ? "—" : String.valueOf(p.managerId()),
                "sections", new io.partnerka.conversation.Messages.Trusted(extra));
    }
}
