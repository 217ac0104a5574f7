package io.partnerka.conversation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one inbound into state changes and replies, in one transaction: global commands first (/start /menu
 * /cancel /help /language), then commands, menu buttons and inline buttons of features, then the chat's active
 * flow, else the menu. Anything that fails rolls back as a whole and the person is told, in their language.
 */
@Service
public class ConversationEngine {

    private static final Logger log = LoggerFactory.getLogger(ConversationEngine.class);
    static final String FLOW_PREFIX = "f";
    static final String LANGUAGE_PREFIX = "lang";

    private final ChatStore store;
    private final Outbox outbox;
    private final Messages messages;
    private final CallbackCodec codec;
    private final Roles roles;
    private final PresetLanguages presets;
    private final TransactionTemplate tx;
    private final Map<String, FlowDefinition<?>> flows = new HashMap<>();
    private final Map<String, String> flowByCommand = new HashMap<>();
    private final Map<String, String> flowByMenuKey = new HashMap<>();
    private final Map<String, ChatAction> actionByCommand = new HashMap<>();
    private final Map<String, ChatAction> actionByMenuKey = new HashMap<>();
    private final Map<String, ChatAction> actionByPrefix = new HashMap<>();
    private final MainMenu mainMenu;
    private final List<ReplyHandler> replyHandlers;
    private final Duration draftTtl;
    private final ObjectProvider<CallbackAnswers> answersProvider;
    /** The transport's {@link CallbackAnswers}, looked up once (not a bean lookup per button press). */
    private volatile List<CallbackAnswers> answers;
    private final JsonMapper json = JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    ConversationEngine(ChatStore store, Outbox outbox, Messages messages, CallbackCodec codec, Roles roles,
                       PlatformTransactionManager transactions, List<Flow> flows, List<ChatAction> actions,
                       MainMenu mainMenu, List<ReplyHandler> replyHandlers, PresetLanguages presets, @Value("${partnerka.conversation.draft-ttl:24h}") Duration draftTtl,
                       ObjectProvider<CallbackAnswers> answers) {
        this.answersProvider = answers;
        this.store = store;
        this.outbox = outbox;
        this.messages = messages;
        this.codec = codec;
        this.roles = roles;
        this.presets = presets;
        this.tx = new TransactionTemplate(transactions);
        this.mainMenu = mainMenu;
        this.replyHandlers = replyHandlers;
        this.draftTtl = draftTtl;
        for (Flow flow : flows) {
            FlowDefinition<?> def = flow.definition();
            register(this.flows, def.name, def, "flow");
            def.commands.forEach(c -> register(flowByCommand, c, def.name, "command"));
            def.menuKeys.forEach(k -> register(flowByMenuKey, k, def.name, "menu key"));
        }
        for (ChatAction action : actions) {
            action.commands().forEach(c -> register(actionByCommand, c, action, "command"));
            action.menuKeys().forEach(k -> register(actionByMenuKey, k, action, "menu key"));
            if (action.callbackPrefix() != null) register(actionByPrefix, action.callbackPrefix(), action, "callback prefix");
        }
    }

    private static <V> void register(Map<String, V> map, String key, V value, String what) {
        if (map.put(key, value) != null) throw new IllegalStateException("Two handlers for the " + what + " " + key);
    }

    /**
     * Handles one inbound. {@code alsoInTransaction} runs in the transaction that commits the outcome (e.g. marking
     * the inbox row processed), whether the update succeeded or was refused, so it is recorded exactly once.
     */
    public void handle(Inbound in, Runnable alsoInTransaction) {
        try {
            tx.executeWithoutResult(status -> {
                run(in, null);
                alsoInTransaction.run();
            });
        } catch (RuntimeException e) {
            failed(in, e, () -> {
                alsoInTransaction.run();
                return true;
            });
        }
    }

    /**
     * Handles one inbound in the caller's transaction, for a transport that claims its work in that same transaction
     * (one commit per update). What fails is thrown: the caller rolls back and hands it to {@link #failed}.
     */
    public void process(Inbound in) {
        process(in, null);
    }

    /**
     * {@link #process}, claiming the update first with the transport's {@code claim}, in the statement that locks the
     * chat: false (and nothing done) when the claim returns no row. The transport says how an update is claimed (its
     * tables are its own); the engine only runs the claim ahead of its lock, one round trip for both.
     */
    public boolean process(Inbound in, Claim claim) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("process(Inbound) runs in the caller's transaction");
        }
        return run(in, claim);
    }

    /**
     * A data-modifying statement (SQL with {@code ?} parameters, e.g. {@code INSERT ... RETURNING ...}) that claims an
     * update for the transaction running it, returning a row when it did. It is run as a CTE ahead of the chat's lock.
     */
    public record Claim(String sql, Object... params) {
    }

    /**
     * After {@link #process} (or its transaction) failed and was rolled back: tells the person in a transaction of its
     * own ({@link UserError}: its message; anything else: "something went wrong", logged), with their data unchanged.
     * {@code claimInTransaction} runs first in that transaction and returns false when the update is no longer this
     * caller's to finish (then nothing is said). A transient failure (the database away for a moment) is rethrown,
     * so the caller tries the update again later rather than dropping what the person did.
     */
    public void failed(Inbound in, RuntimeException failure, java.util.function.BooleanSupplier claimInTransaction) {
        if (failure instanceof UserError e) {
            tx.executeWithoutResult(status -> {
                if (claimInTransaction.getAsBoolean()) refuse(in, e.key(), e.args());
            });
            return;
        }
        if (isTransient(failure)) throw failure;
        log.error("Update {} of chat {} failed; the person is told and their data is unchanged", in.updateId(), in.chatId(), failure);
        tx.executeWithoutResult(status -> {
            if (claimInTransaction.getAsBoolean()) refuse(in, "common.error", Map.of());
        });
    }

    /**
     * A failure that says nothing about the update: a lost connection (also seen as a rollback that cannot be done),
     * a deadlock, a serialization conflict.
     */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof org.springframework.dao.TransientDataAccessException
                    || t instanceof org.springframework.dao.DataAccessResourceFailureException
                    || t instanceof org.springframework.dao.RecoverableDataAccessException
                    || t instanceof org.springframework.transaction.CannotCreateTransactionException
                    || t instanceof org.springframework.transaction.TransactionSystemException
                    // a rollback that fails: the connection is gone (Hibernate's own exception, named to stay JPA-free)
                    || "org.hibernate.TransactionException".equals(t.getClass().getName())
                    || t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("40")
                    || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    public void handle(Inbound in) {
        handle(in, () -> { });
    }

    private void refuse(Inbound in, String key, Map<String, ?> args) {
        outbox.answering(in.chatId());
        ChatRecord chat = store.lock(in.chatId(), in.userId(), presets.languageFor(in.userId(), in.languageCode()));
        String text = messages.text(chat.language, key, args);
        if (in.kind() == Inbound.Kind.CALLBACK && in.callbackId() != null) {
            answerAfterCommit(chat.chatId, new Reply.CallbackAnswer(in.callbackId(), null, false));
        }
        outbox.send(chat.chatId, Reply.Text.of(text));
    }

    /**
     * The answer to a button press goes to the transport once this transaction commits, without an outbox row: nothing
     * depends on it, and one from a transaction that rolls back must not be sent (see {@link CallbackAnswers}).
     */
    private void answerAfterCommit(long chatId, Reply.CallbackAnswer answer) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            answerNow(chatId, answer);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                answerNow(chatId, answer);
            }
        });
    }

    private void answerNow(long chatId, Reply.CallbackAnswer answer) {
        List<CallbackAnswers> to = answers;
        if (to == null) answers = to = answersProvider.orderedStream().toList();
        for (CallbackAnswers a : to) {
            try {
                a.answer(chatId, answer);
            } catch (RuntimeException e) {
                // committed already: a lost answer is only a spinner that stops by itself
                log.info("The answer to a button press in chat {} was not sent ({})", chatId, e.toString());
            }
        }
    }

    private boolean run(Inbound in, Claim claim) {
        // what this transaction says to the person who wrote goes before what is queued for them (cards, drip)
        outbox.answering(in.chatId());
        String language = presets.languageFor(in.userId(), in.languageCode());
        ChatRecord chat = claim == null ? store.lock(in.chatId(), in.userId(), language)
                : store.lockAfter(claim, in.chatId(), in.userId(), language);
        if (chat == null) return false;
        if (in.firstName() != null) chat.firstName = in.firstName();
        if (in.username() != null) chat.username = in.username();
        if (!chat.languageChosen && (in.languageCode() != null || presets.of(in.userId()).isPresent())) {
            chat.language = presets.languageFor(in.userId(), in.languageCode());
        }
        chat.unreachable = false;
        ChatContext ctx = new ChatContext(chat, in, messages, codec, roles.isManager(in.userId()), outbox);

        if (chat.flow != null && (chat.flowUpdatedAt == null || chat.flowUpdatedAt.plus(draftTtl).isBefore(Instant.now())
                || !flows.containsKey(chat.flow))) {
            chat.leaveFlow();
            if (in.kind() != Inbound.Kind.COMMAND) ctx.say("common.draft-expired");
        }

        dispatch(ctx, chat, in);
        startRequestedFlow(ctx, chat);
        if (ctx.menuRequested) ctx.reply(menu(ctx, ctx.menuTextKey));
        if (in.kind() == Inbound.Kind.CALLBACK && in.callbackId() != null) {
            answerAfterCommit(chat.chatId, new Reply.CallbackAnswer(in.callbackId(), ctx.callbackAnswer, ctx.callbackAlert));
        }
        // the chat's new state and this update's replies (and notifications) in one statement
        outbox.writeQueued(store.saving(chat));
        return true;
    }

    private void dispatch(ChatContext ctx, ChatRecord chat, Inbound in) {
        switch (in.kind()) {
            case CALLBACK -> onCallback(ctx, chat, in);
            case COMMAND -> onCommand(ctx, chat, in.command(), in.commandArgs());
            default -> {
                String menuKey = in.kind() == Inbound.Kind.TEXT ? menuKeyOf(in.text()) : null;
                if (menuKey != null) {
                    onMenu(ctx, chat, menuKey);
                } else if (chat.flow == null && in.replyToMessageId() != null && replyHandled(ctx, in)) {
                    return;
                } else if (chat.flow != null) {
                    onAnswer(ctx, chat, in);
                } else {
                    ctx.showMenu(in.kind() == Inbound.Kind.TEXT ? "common.not-understood" : "common.not-understood-media");
                }
            }
        }
    }

    /** A reply to one of the bot's messages outside any flow: the module whose message it was may take it. */
    private boolean replyHandled(ChatContext ctx, Inbound in) {
        for (ReplyHandler handler : replyHandlers) {
            if (handler.onReply(ctx, in.replyToMessageId())) return true;
        }
        return false;
    }

    private void onCommand(ChatContext ctx, ChatRecord chat, String command, String args) {
        switch (command) {
            case "cancel" -> {
                boolean had = chat.flow != null;
                chat.leaveFlow();
                ctx.showMenu(had ? "common.cancelled" : "common.nothing-to-cancel");
                return;
            }
            case "menu" -> {
                ctx.showMenu("common.menu");
                return;
            }
            case "help" -> {
                ctx.reply(Reply.Text.of(ctx.text(ctx.isManager() ? "common.help-manager" : "common.help")));
                return;
            }
            case "language" -> {
                List<List<Button>> rows = new ArrayList<>();
                for (String lang : messages.languages()) {
                    rows.add(List.of(ctx.button(messages.text(lang, "language.name"), LANGUAGE_PREFIX + ":" + lang)));
                }
                ctx.reply(Reply.Text.of(ctx.text("language.choose")).withButtons(rows));
                return;
            }
            case "start" -> chat.leaveFlow();
            default -> { }
        }
        ChatAction action = actionByCommand.get(command);
        String flow = flowByCommand.get(command);
        if (action != null) {
            action.run(ctx, args);
        } else if (flow != null) {
            requestFlow(ctx, flow);
        } else if ("start".equals(command)) {
            ctx.showMenu("common.menu");
        } else {
            ctx.showMenu("common.unknown-command");
        }
    }

    private void onMenu(ChatContext ctx, ChatRecord chat, String key) {
        if ("common.cancel-button".equals(key)) {
            onCommand(ctx, chat, "cancel", "");
            return;
        }
        ChatAction action = actionByMenuKey.get(key);
        if (action != null) {
            action.run(ctx, "");
        } else {
            requestFlow(ctx, flowByMenuKey.get(key));
        }
    }

    private void requestFlow(ChatContext ctx, String name) {
        ctx.startFlow(name);
    }

    private String menuKeyOf(String text) {
        List<String> keys = new ArrayList<>(flowByMenuKey.keySet());
        keys.addAll(actionByMenuKey.keySet());
        keys.add("common.cancel-button");
        return messages.keyForText(text, keys);
    }

    private void onCallback(ChatContext ctx, ChatRecord chat, Inbound in) {
        String payload = codec.verify(chat.chatId, in.callbackData());
        if (payload == null) {
            ctx.answerCallback(ctx.text("common.button-invalid"), true);
            return;
        }
        int colon = payload.indexOf(':');
        String prefix = colon < 0 ? payload : payload.substring(0, colon);
        String rest = colon < 0 ? "" : payload.substring(colon + 1);
        if (FLOW_PREFIX.equals(prefix)) {
            onFlowButton(ctx, chat, in, rest);
        } else if (LANGUAGE_PREFIX.equals(prefix) && messages.languages().contains(rest)) {
            chat.language = rest;
            chat.languageChosen = true;
            ctx.showMenu("language.changed");
        } else if (actionByPrefix.containsKey(prefix)) {
            actionByPrefix.get(prefix).run(ctx, rest);
        } else {
            ctx.answerCallback(ctx.text("common.button-stale"), true);
        }
    }

    // ---- flows ------------------------------------------------------------------------------------------------

    private void startRequestedFlow(ChatContext ctx, ChatRecord chat) {
        while (ctx.flowToStart != null) {
            String name = ctx.flowToStart;
            FlowDefinition<?> def = flows.get(name);
            Map<String, String> draft = ctx.flowToStartDraft;
            ctx.flowToStart = null;
            if (def == null) throw new IllegalStateException("No flow named " + name);
            if (chat.flow != null && !chat.flow.equals(def.name)) ctx.say("common.flow-replaced");
            chat.leaveFlow();
            if (!def.guard.test(ctx)) continue;
            chat.draft = new LinkedHashMap<>(draft);
            FlowDefinition.Step first = def.steps.isEmpty() ? null : def.steps.get(0);
            if (first == null) {
                complete(ctx, chat, def);
            } else {
                chat.enter(def.name, first.field());
                prompt(ctx, chat, def, first);
            }
        }
    }

    /** Flow buttons carry "version:argument": a button from an earlier question is stale and changes nothing. */
    private void onFlowButton(ChatContext ctx, ChatRecord chat, Inbound in, String rest) {
        int colon = rest.indexOf(':');
        String version = colon < 0 ? rest : rest.substring(0, colon);
        String arg = colon < 0 ? "" : rest.substring(colon + 1);
        if (chat.flow == null || !version.equals(String.valueOf(chat.version))) {
            ctx.answerCallback(ctx.text("common.button-stale"), false);
            return;
        }
        FlowDefinition<?> def = flows.get(chat.flow);
        switch (arg) {
            case "ok" -> {
                if (!"~confirm".equals(chat.step)) break;
                complete(ctx, chat, def);
                return;
            }
            case "cancel" -> {
                chat.leaveFlow();
                ctx.showMenu("common.cancelled");
                return;
            }
            case "edit" -> {
                if (!"~confirm".equals(chat.step)) break;
                List<List<Button>> rows = new ArrayList<>();
                for (FlowDefinition.Step s : def.steps) {
                    rows.add(List.of(flowButton(ctx, chat, "✏️ " + ctx.text(def.name + ".field." + s.field()), "e" + s.field())));
                }
                rows.add(List.of(flowButton(ctx, chat, ctx.text("common.back"), "back")));
                ctx.reply(Reply.Text.of(ctx.text("common.edit-which")).withButtons(rows));
                return;
            }
            case "back" -> {
                if (!"~confirm".equals(chat.step)) break;
                showConfirm(ctx, chat, def);
                return;
            }
            default -> {
                if (arg.startsWith("e") && "~confirm".equals(chat.step) && def.step(arg.substring(1)) != null) {
                    FlowDefinition.Step step = def.step(arg.substring(1));
                    chat.draft.put("~edit", "1");
                    chat.enter(def.name, step.field());
                    prompt(ctx, chat, def, step);
                    return;
                }
            }
        }
        FlowDefinition.Step step = def.step(chat.step);
        if (step == null) {
            ctx.answerCallback(ctx.text("common.button-stale"), false);
            return;
        }
        if (Input.SKIP.equals(arg) && step.input().isOptional()) {
            accept(ctx, chat, def, step, null);
            return;
        }
        Inbound asChoice = new Inbound(in.updateId(), in.chatId(), in.userId(), in.firstName(), in.username(),
                in.languageCode(), Inbound.Kind.CALLBACK, null, arg, in.callbackId(), in.messageId(), null, null, null,
                null, null);
        answer(ctx, chat, def, step, asChoice);
    }

    private void onAnswer(ChatContext ctx, ChatRecord chat, Inbound in) {
        FlowDefinition<?> def = flows.get(chat.flow);
        if ("~confirm".equals(chat.step)) {
            ctx.say("common.use-buttons");
            showConfirm(ctx, chat, def);
            return;
        }
        answer(ctx, chat, def, def.step(chat.step), in);
    }

    private void answer(ChatContext ctx, ChatRecord chat, FlowDefinition<?> def, FlowDefinition.Step step, Inbound in) {
        Input.Parsed parsed = step.input().parse(ctx, in);
        if (!parsed.isOk()) {
            ctx.reply(Reply.Text.of(ctx.text(parsed.errorKey(), parsed.errorArgs())));
            prompt(ctx, chat, def, step);
            return;
        }
        parsed.extra().forEach((suffix, v) -> chat.draft.put(step.field() + suffix, v));
        accept(ctx, chat, def, step, parsed.value());
    }

    private void accept(ChatContext ctx, ChatRecord chat, FlowDefinition<?> def, FlowDefinition.Step step, String value) {
        if (value == null) chat.draft.remove(step.field()); else chat.draft.put(step.field(), value);
        if (step.input().wantsContact()) {
            ctx.reply(Reply.Text.of(ctx.text("common.answer-saved")).withKeyboard(menuKeyboard(ctx)));
        }
        boolean editing = chat.draft.remove("~edit") != null;
        FlowDefinition.Step next = editing ? null : def.after(step.field());
        if (next != null) {
            chat.enter(def.name, next.field());
            prompt(ctx, chat, def, next);
        } else if (def.confirmKey != null) {
            chat.enter(def.name, "~confirm");
            showConfirm(ctx, chat, def);
        } else {
            complete(ctx, chat, def);
        }
    }

    private void prompt(ChatContext ctx, ChatRecord chat, FlowDefinition<?> def, FlowDefinition.Step step) {
        List<List<Button>> rows = new ArrayList<>(step.input().buttons(ctx, value -> signFlow(chat, value)));
        if (step.input().isOptional()) rows.add(List.of(flowButton(ctx, chat, ctx.text("common.skip"), Input.SKIP)));
        Reply.Text text = Reply.Text.of(step.prompt().apply(ctx)).withButtons(rows);
        if (step.input().wantsContact()) {
            text = text.withContactRequest(ctx.text("common.share-contact"))
                    .withKeyboard(List.of(List.of(ctx.text("common.cancel-button"))));
        }
        ctx.reply(text);
    }

    private void showConfirm(ChatContext ctx, ChatRecord chat, FlowDefinition<?> def) {
        Map<String, Object> values = def.display(ctx, chat.draft);
        ctx.reply(Reply.Text.of(ctx.text(def.confirmKey, values)).withButtons(List.of(
                List.of(flowButton(ctx, chat, ctx.text("common.confirm"), "ok")),
                List.of(flowButton(ctx, chat, ctx.text("common.edit"), "edit"),
                        flowButton(ctx, chat, ctx.text("common.cancel"), "cancel")))));
    }

    private <D> void complete(ChatContext ctx, ChatRecord chat, FlowDefinition<D> def) {
        D draft = json.convertValue(chat.draft, def.draftType);
        chat.leaveFlow();
        def.completion.complete(ctx, draft);
    }

    private Button flowButton(ChatContext ctx, ChatRecord chat, String text, String arg) {
        return new Button(text, signFlow(chat, arg), null);
    }

    private String signFlow(ChatRecord chat, String arg) {
        return codec.sign(chat.chatId, FLOW_PREFIX + ":" + chat.version + ":" + arg);
    }

    // ---- menu -------------------------------------------------------------------------------------------------

    private Reply.Text menu(ChatContext ctx, String textKey) {
        return Reply.Text.of(ctx.text(textKey)).withKeyboard(mainMenu.keyboard(ctx));
    }

    private List<List<String>> menuKeyboard(ChatContext ctx) {
        return mainMenu.keyboard(ctx);
    }
}
