package io.partnerka.knowledge;

import io.partnerka.conversation.Localized;
import java.util.List;
import java.util.Set;

/** A section of the knowledge base (one file) and its articles. */
record KbSection(String id, String file, int order, Localized title, Set<String> segments, List<Article> articles) {

    /** Everyone sees an entry without segments; otherwise a partner's segment or type must be listed. */
    static boolean visible(Set<String> segments, String segment, String type) {
        return segments.isEmpty() || segment != null && segments.contains(segment) || type != null && segments.contains(type);
    }

    /**
     * @param keywords extra words people search with that the text does not contain (synonyms, slang)
     */
    record Article(String id, Localized title, Localized text, String link, Localized linkTitle, String document,
                   Set<String> segments, Localized keywords) {
    }
}
