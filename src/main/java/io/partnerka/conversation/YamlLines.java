package io.partnerka.conversation;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The line of every node of a YAML file, by JSON pointer ({@code /quiz/questions/2/options}), so a problem found
 * after parsing (a question without a correct option, an article without a text) is reported with the line an operator must fix.
 */
public final class YamlLines {

    private final Map<String, Integer> lines = new HashMap<>();

    private YamlLines() {
    }

    public static YamlLines of(YAMLMapper yaml, byte[] content) {
        YamlLines out = new YamlLines();
        try (JsonParser p = yaml.createParser(Content.yamlReader(content))) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                TokenStreamLocation loc = p.currentTokenLocation();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    // the new container's context has no name yet: its parent's pointer is the container itself
                    var parent = p.streamReadContext().getParent();
                    if (parent != null) out.lines.putIfAbsent(parent.pathAsPointer().toString(), loc.getLineNr());
                } else {
                    out.lines.putIfAbsent(p.streamReadContext().pathAsPointer().toString(), loc.getLineNr());
                }
            }
        } catch (RuntimeException e) {
            // a file that does not parse gets its line from the parser's own error
        }
        return out;
    }

    /** The line of the node at {@code pointer} or of its nearest ancestor that has one; null when unknown. */
    public Integer line(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) return line;
            if (p.isEmpty()) return null;
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "" : p.substring(0, slash);
        }
    }
}
