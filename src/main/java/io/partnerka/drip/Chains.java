package io.partnerka.drip;

import io.partnerka.conversation.Content;
import io.partnerka.conversation.Messages;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * The chains in force. Read at start (invalid files stop the application with every problem listed) and again on
 * {@code /drip_reload} or by the periodic scan when the files changed (a broken edit is refused and logged; the
 * previous chains stay). Enrolments only hold the chain id and the next step id, so an edit reaches a person at
 * their next step.
 */
@Component
class Chains implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(Chains.class);

    private final Content content;
    private final Messages messages;
    private final ObjectProvider<DripCondition> conditions;
    private volatile Map<String, Chain> chains;

    Chains(Content content, Messages messages, ObjectProvider<DripCondition> conditions) {
        this.content = content;
        this.messages = messages;
        this.conditions = conditions;
    }

    @Override
    public void afterSingletonsInstantiated() {
        ChainParser.Result result = parser().parse(content);
        if (!result.ok()) {
            throw new IllegalStateException("The drip chains in " + content.origin() + "/drip are invalid:\n  "
                    + String.join("\n  ", result.errors()));
        }
        chains = result.chains();
        log.info("Drip chains: {}", chains.keySet());
    }

    /** Reads the files again; on problems keeps the chains in force and returns the problems. */
    synchronized List<String> reload() {
        ChainParser.Result result = parser().parse(content);
        if (!result.ok()) {
            log.warn("Drip chain files changed but are invalid; keeping the previous chains:\n  {}",
                    String.join("\n  ", result.errors()));
            return result.errors();
        }
        if (!result.chains().equals(chains)) log.info("Drip chains reloaded: {}", result.chains().keySet());
        chains = result.chains();
        return List.of();
    }

    private ChainParser parser() {
        Set<String> names = conditions.orderedStream().map(DripCondition::name).collect(Collectors.toSet());
        return new ChainParser(messages.languages(), names);
    }

    private Map<String, Chain> map() {
        Map<String, Chain> c = chains;
        if (c == null) {
            afterSingletonsInstantiated();
            c = chains;
        }
        return c;
    }

    Collection<Chain> all() {
        return map().values();
    }

    Optional<Chain> get(String id) {
        return Optional.ofNullable(map().get(id));
    }

    List<Chain> triggeredBy(String event) {
        return map().values().stream().filter(c -> c.trigger().equals(event)).toList();
    }
}
