package io.partnerka.training;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Messages;
import java.util.Set;
import org.springframework.stereotype.Component;

/** {@code /trainingstats} (and {@code /training} for a manager): pass rates per course. Managers only. */
@Component
class TrainingStatsAction implements ChatAction {

    static final String MENU_KEY = "training.menu-stats";
    private final Training training;

    TrainingStatsAction(Training training) {
        this.training = training;
    }

    @Override
    public Set<String> commands() {
        return Set.of("trainingstats");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of(MENU_KEY);
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (!ctx.isManager()) {
            ctx.say("common.not-manager");
            return;
        }
        StringBuilder body = new StringBuilder();
        for (CoursePassRate r : training.passRates(ctx.language())) {
            body.append("\n\n").append(ctx.text("training.stats.course", "title", r.title(),
                    "mandatory", new Messages.Trusted(r.mandatory() ? ctx.text("training.mandatory-mark") : ""),
                    "started", r.started(), "tried", r.tried(), "passed", r.passed(),
                    "rate", r.passRate() == null ? "—" : r.passRate() + "%",
                    "attempts", r.attempts(), "first", r.firstTryPassed(),
                    "average", r.averageScore() == null ? "—" : r.averageScore() + "%"));
        }
        if (body.isEmpty()) body.append("\n\n").append(ctx.text("training.stats.no-courses"));
        ctx.say("training.stats.header", "courses", new Messages.Trusted(body.toString()),
                "gate", ctx.text(training.isGateOn() ? "training.stats.gate-on" : "training.stats.gate-off"));
    }
}
