package io.partnerka.conversation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** Resolves documents sent by reference through the features' {@link DocumentStore}s. */
@Component
public class StoredDocuments {

    private final Map<String, DocumentStore> stores;

    StoredDocuments(List<DocumentStore> stores) {
        this.stores = stores.stream().collect(Collectors.toUnmodifiableMap(DocumentStore::name, Function.identity()));
    }

    /**
     * The reply ready to send: a document by reference gets its content; anything else is returned as it is. Empty
     * when the referenced document no longer exists (nothing can be sent).
     */
    public Optional<Reply> resolve(Reply reply) {
        if (!(reply instanceof Reply.Document d) || !d.byReference()) return Optional.of(reply);
        DocumentStore store = stores.get(d.store());
        if (store == null) return Optional.empty();
        return store.content(d.key()).map(d::withContent);
    }
}
