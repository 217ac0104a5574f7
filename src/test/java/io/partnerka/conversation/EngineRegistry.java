package io.partnerka.conversation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.context.ApplicationContext;

/**
 * For tests outside this package (the authorization matrix): what the engine answers to — every command, callback
 * prefix and menu key with the handler that owns it — and a way to sign button data as the bot would.
 */
public final class EngineRegistry {

    private EngineRegistry() {
    }

    /** Command (without slash) -> owner ("global", "action:Class" or "flow:name"). */
    public static Map<String, String> commands(ApplicationContext context) {
        Map<String, String> result = new TreeMap<>();
        for (String global : List.of("start", "menu", "help", "language", "cancel")) result.put(global, "global");
        for (ChatAction a : context.getBeansOfType(ChatAction.class).values()) {
            for (String c : a.commands()) result.put(c, "action:" + a.getClass().getSimpleName());
        }
        for (Flow f : context.getBeansOfType(Flow.class).values()) {
            FlowDefinition<?> d = f.definition();
            for (String c : d.commands) result.put(c, "flow:" + d.name);
        }
        return result;
    }

    /** Callback prefix -> owner, the engine's own ("f" flow buttons, "lang") included. */
    public static Map<String, String> callbackPrefixes(ApplicationContext context) {
        Map<String, String> result = new TreeMap<>();
        result.put(ConversationEngine.FLOW_PREFIX, "engine:flow");
        result.put(ConversationEngine.LANGUAGE_PREFIX, "engine:language");
        for (ChatAction a : context.getBeansOfType(ChatAction.class).values()) {
            if (a.callbackPrefix() != null) result.put(a.callbackPrefix(), "action:" + a.getClass().getSimpleName());
        }
        return result;
    }

    /** Menu key -> owner. */
    public static Map<String, String> menuKeys(ApplicationContext context) {
        Map<String, String> result = new TreeMap<>();
        for (ChatAction a : context.getBeansOfType(ChatAction.class).values()) {
            for (String k : a.menuKeys()) result.put(k, "action:" + a.getClass().getSimpleName());
        }
        for (Flow f : context.getBeansOfType(Flow.class).values()) {
            FlowDefinition<?> d = f.definition();
            for (String k : d.menuKeys) result.put(k, "flow:" + d.name);
        }
        return result;
    }

    /** Button data as the bot signs it for {@code chatId}. */
    public static String sign(ApplicationContext context, long chatId, String payload) {
        return context.getBean(CallbackCodec.class).sign(chatId, payload);
    }
}
