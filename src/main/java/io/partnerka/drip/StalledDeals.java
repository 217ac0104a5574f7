package io.partnerka.drip;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Messages;
import io.partnerka.deal.DealView;
import io.partnerka.deal.Deals;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The escalation of the field notes (003): a deal that stays in one open status longer than
 * {@code partnerka.deal.stalled-after} (3 days) goes to the partner's manager (every manager when none is assigned)
 * in the daily digest — once per stay in that status, remembered in {@code drip_stalled_reported}.
 */
@Component
class StalledDeals implements DigestSource {

    private static final int MAX_LINES = 30;

    private final Deals deals;
    private final Partners partners;
    private final Messages messages;
    private final JdbcClient jdbc;
    private final DripClock clock;
    private final Duration stalledAfter;
    private final Formats formats;

    StalledDeals(Deals deals, Partners partners, Messages messages, JdbcClient jdbc, DripClock clock, Formats formats,
                 @Value("${partnerka.deal.stalled-after:3d}") Duration stalledAfter) {
        this.formats = formats;
        this.deals = deals;
        this.partners = partners;
        this.messages = messages;
        this.jdbc = jdbc;
        this.clock = clock;
        this.stalledAfter = stalledAfter;
    }

    @Override
    public List<String> digestLines(long managerChatId, String language, LocalDate day) {
        List<String> lines = new ArrayList<>();
        int more = 0;
        for (DealView deal : deals.stalled(clock.instant().minus(stalledAfter), 1_000)) {
            if (!partners.managersOf(deal.partnerId()).contains(managerChatId)) continue;
            boolean first = jdbc.sql("""
                            INSERT INTO drip_stalled_reported (deal_id, since, manager_chat_id) VALUES (?, ?, ?)
                            ON CONFLICT DO NOTHING""")
                    .params(deal.id(), Timestamp.from(deal.statusChangedAt()), managerChatId).update() == 1;
            if (!first) continue;
            if (lines.size() >= MAX_LINES) {
                more++;
                continue;
            }
            Optional<PartnerView> partner = partners.byId(deal.partnerId());
            lines.add(messages.text(language, "drip.digest.stalled-line", Messages.args("id", deal.id(),
                    "client", deal.clientName(), "status", messages.text(language, "deal.status." + deal.status()),
                    "since", formats.dayMonth(deal.statusChangedAt(), language),
                    "days", Duration.between(deal.statusChangedAt(), clock.instant()).toDays(),
                    "partner", partner.map(PartnerView::name).orElse("—"))));
        }
        if (lines.isEmpty()) return lines;
        if (more > 0) lines.add(messages.text(language, "drip.digest.stalled-more", Messages.args("count", more)));
        lines.add(0, messages.text(language, "drip.digest.stalled-header",
                Messages.args("days", stalledAfter.toDays())));
        return List.of(String.join("\n", lines));
    }
}
