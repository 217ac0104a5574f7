package io.partnerka.drip;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one button of a drip message ({@code drip:<send id>}): records the click on the step's log line, then does what
 * the step's button says — runs the {@link ChatAction} of a command, starts a flow, presses an existing inline action
 * or a main-menu button — in the same update, as if the person had done it themselves.
 *
 * <p>A command served by a flow (e.g. {@code client}) starts that flow, through its guard, as typing it would.
 */
@Component
class DripClickAction implements ChatAction {

    static final String PREFIX = "drip";
    private static final Logger log = LoggerFactory.getLogger(DripClickAction.class);

    private final JdbcClient jdbc;
    private final DripClock clock;
    private final ObjectProvider<ChatAction> actions;
    private final ObjectProvider<Flow> flows;
    private final Chains chains;

    DripClickAction(JdbcClient jdbc, DripClock clock, ObjectProvider<ChatAction> actions, ObjectProvider<Flow> flows,
                    Chains chains) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.actions = actions;
        this.flows = flows;
        this.chains = chains;
    }

    @Override
    public String callbackPrefix() {
        return PREFIX;
    }

    @Override
    public void run(ChatContext ctx, String args) {
        long sendId;
        try {
            sendId = Long.parseLong(args);
        } catch (NumberFormatException e) {
            ctx.answerCallback(ctx.text("common.button-stale"), true);
            return;
        }
        Optional<String> action = jdbc.sql("""
                        UPDATE drip_send SET clicks = clicks + 1, clicked_at = coalesce(clicked_at, ?)
                        WHERE id = ? AND chat_id = ? RETURNING action""")
                .params(Timestamp.from(clock.instant()), sendId, ctx.chatId()).query(String.class).optional();
        if (action.isEmpty() || action.get() == null) {
            ctx.answerCallback(ctx.text("common.button-stale"), true);
            return;
        }
        if (!dispatch(ctx, Target.decode(action.get()))) {
            ctx.say("drip.action-unavailable");
            ctx.showMenu("common.menu");
        }
    }

    /** Runs the target in this update; false when nothing in the bot answers it (yet). */
    boolean dispatch(ChatContext ctx, Target target) {
        String value = target.value();
        switch (target.kind()) {
            case COMMAND -> {
                Optional<ChatAction> a = others().filter(x -> x.commands().contains(value)).findFirst();
                if (a.isPresent()) {
                    a.get().run(ctx, "");
                    return true;
                }
                Optional<String> flow = flows.orderedStream().map(Flow::definition)
                        .filter(d -> d.name().equals(value) || d.startCommands().contains(value))
                        .map(d -> d.name()).findFirst();
                flow.ifPresent(ctx::startFlow);
                return flow.isPresent();
            }
            case FLOW -> {
                if (!flowNames().contains(value)) return false;
                ctx.startFlow(value);
                return true;
            }
            case CALLBACK -> {
                int colon = value.indexOf(':');
                String prefix = colon < 0 ? value : value.substring(0, colon);
                Optional<ChatAction> a = others().filter(x -> prefix.equals(x.callbackPrefix())).findFirst();
                a.ifPresent(x -> x.run(ctx, colon < 0 ? "" : value.substring(colon + 1)));
                return a.isPresent();
            }
            case MENU -> {
                Optional<ChatAction> a = others().filter(x -> x.menuKeys().contains(value)).findFirst();
                a.ifPresent(x -> x.run(ctx, ""));
                return a.isPresent();
            }
            default -> {
                return false;
            }
        }
    }

    /** Whether a target can be run today (a chain may name a module that is not there yet). */
    boolean resolvable(Target target) {
        String v = target.value();
        return switch (target.kind()) {
            case COMMAND -> others().anyMatch(x -> x.commands().contains(v))
                    || flows.orderedStream().anyMatch(f -> f.definition().startCommands().contains(v));
            case FLOW -> flowNames().contains(v);
            case CALLBACK -> others().anyMatch(x -> v.split(":", 2)[0].equals(x.callbackPrefix()));
            case MENU -> others().anyMatch(x -> x.menuKeys().contains(v));
            case URL -> true;
        };
    }

    @EventListener(ContextRefreshedEvent.class)
    void warnAboutUnresolvedButtons() {
        List<String> missing = unresolved();
        if (!missing.isEmpty()) {
            log.warn("Nothing in the bot answers these drip buttons yet (a click shows the menu): {}", missing);
        }
    }

    private java.util.stream.Stream<ChatAction> others() {
        return actions.orderedStream().filter(a -> a != this);
    }

    private Set<String> flowNames() {
        return flows.orderedStream().map(f -> f.definition().name()).collect(java.util.stream.Collectors.toSet());
    }

    List<String> unresolved() {
        return chains.all().stream().flatMap(c -> c.steps().stream().filter(s -> !resolvable(s.target()))
                .map(s -> c.id() + "/" + s.id() + " -> " + s.target().encode())).toList();
    }
}
