package io.partnerka.deal;

import io.partnerka.conversation.Content;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/** What a client may need: the product and service catalog in {@code messages/catalog.yml}, titles per language. */
@Component
class Catalog {

    record Product(String id, Map<String, String> title) {
    }

    record File(List<Product> products) {
    }

    private final List<Product> products;
    private final String defaultLanguage;

    Catalog(Content content, io.partnerka.conversation.Messages messages) {
        File file = content.read("catalog.yml", File.class);
        if (file == null || file.products() == null || file.products().isEmpty()) {
            throw new IllegalStateException("catalog.yml: no products");
        }
        Set<String> ids = new HashSet<>();
        for (Product p : file.products()) {
            if (p.id() == null || !p.id().matches("[a-z0-9-]{1,20}") || !ids.add(p.id())) {
                throw new IllegalStateException("catalog.yml: a product id must be unique, 1..20 of a-z0-9-: " + p.id());
            }
            for (String lang : messages.languages()) {
                if (p.title() == null || p.title().get(lang) == null || p.title().get(lang).isBlank()) {
                    throw new IllegalStateException("catalog.yml: product " + p.id() + " has no title in " + lang);
                }
            }
        }
        this.products = List.copyOf(file.products());
        this.defaultLanguage = messages.defaultLanguage();
    }

    List<Product> products() {
        return products;
    }

    Optional<Product> find(String id) {
        return products.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** The title in a language; an id no longer in the catalog (an operator removed it) reads as itself. */
    String title(String id, String language) {
        return find(id).map(p -> p.title().getOrDefault(language, p.title().get(defaultLanguage))).orElse(id);
    }
}
