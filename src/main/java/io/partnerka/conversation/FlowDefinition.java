package io.partnerka.conversation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A named conversation, read top to bottom: how it starts, the questions it asks (each stores its answer in a field
 * of the draft), and what happens when it completes. The draft lives as JSON in PostgreSQL, so a half-filled form
 * survives restarts; on completion it is turned into {@code D}.
 *
 * <pre>{@code
 * FlowDefinition.of("apply", ApplicationDraft.class)
 *     .startOn("apply").menu("menu.apply")
 *     .ask("name", "apply.ask-name", Input.text(2, 120))
 *     .ask("phone", "apply.ask-phone", Input.phone("RU"))
 *     .confirm("apply.confirm", (ctx, draft) -> applications.submit(ctx.userId(), draft));
 * }</pre>
 */
public final class FlowDefinition<D> {

    final String name;
    final Class<D> draftType;
    final Set<String> commands = new LinkedHashSet<>();
    final Set<String> menuKeys = new LinkedHashSet<>();
    final List<Step> steps = new ArrayList<>();
    Predicate<ChatContext> guard = ctx -> true;
    String confirmKey;
    Completion<D> completion;

    private FlowDefinition(String name, Class<D> draftType) {
        this.name = name;
        this.draftType = draftType;
    }

    public static <D> FlowDefinition<D> of(String name, Class<D> draftType) {
        return new FlowDefinition<>(name, draftType);
    }

    /** Commands (without slash) that start this flow. */
    public FlowDefinition<D> startOn(String... commands) {
        this.commands.addAll(List.of(commands));
        return this;
    }

    /** Main-menu buttons (message keys) that start this flow. */
    public FlowDefinition<D> menu(String... keys) {
        this.menuKeys.addAll(List.of(keys));
        return this;
    }

    /** Checked before the flow starts; returning false means "not now" (the guard tells the person why). */
    public FlowDefinition<D> guard(Predicate<ChatContext> guard) {
        this.guard = guard;
        return this;
    }

    /** Asks a question whose prompt is the message {@code promptKey}. */
    public FlowDefinition<D> ask(String field, String promptKey, Input input) {
        return ask(field, ctx -> ctx.text(promptKey), input);
    }

    /** Asks a question whose prompt is computed (e.g. from a content file); the draft is at hand. */
    public FlowDefinition<D> ask(String field, Function<ChatContext, String> prompt, Input input) {
        steps.add(new Step(field, prompt, input));
        return this;
    }

    /**
     * Ends with a confirm screen: the message {@code summaryKey} with every answer as a {@code {field}} placeholder,
     * and Confirm / Edit / Cancel buttons. Labels of the Edit buttons are the keys {@code <flow>.field.<field>}.
     */
    public FlowDefinition<D> confirm(String summaryKey, Completion<D> completion) {
        this.confirmKey = summaryKey;
        this.completion = completion;
        return this;
    }

    /** Ends without a confirm screen, as soon as the last answer is in. */
    public FlowDefinition<D> complete(Completion<D> completion) {
        this.completion = completion;
        return this;
    }

    public String name() {
        return name;
    }

    /** The commands that start this flow, e.g. for a button elsewhere that should behave like typing the command. */
    public Set<String> startCommands() {
        return Set.copyOf(commands);
    }

    Step step(String field) {
        return steps.stream().filter(s -> s.field.equals(field)).findFirst().orElse(null);
    }

    Step after(String field) {
        for (int i = 0; i < steps.size() - 1; i++) {
            if (steps.get(i).field.equals(field)) return steps.get(i + 1);
        }
        return null;
    }

    /** What a completed flow does; runs in the update's transaction, may throw {@link UserError}. */
    @FunctionalInterface
    public interface Completion<D> {
        void complete(ChatContext ctx, D draft);
    }

    record Step(String field, Function<ChatContext, String> prompt, Input input) {
    }

    /** Values of a draft for a confirm screen or a card: each answer as the person would read it. */
    Map<String, Object> display(ChatContext ctx, Map<String, String> draft) {
        Map<String, Object> out = new java.util.HashMap<>();
        for (Step s : steps) {
            String v = draft.get(s.field);
            out.put(s.field, v == null ? "—" : s.input.display(ctx, v));
        }
        return out;
    }
}
