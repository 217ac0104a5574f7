package io.partnerka.conversation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The editable content under {@code messages/}: an operator's own folder when {@code PARTNERKA_MESSAGES_DIR} is set,
 * else the copy shipped inside the application.
 */
@Component
public class Content {

    private final Path dir;
    private final YAMLMapper yaml = YAMLMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .propertyNamingStrategy(tools.jackson.databind.PropertyNamingStrategies.KEBAB_CASE).build();

    Content(@Value("${partnerka.messages-dir:}") String dir) {
        this.dir = dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    /** Reads one YAML file into a type; a malformed file fails with its name and the line of the problem. */
    public <T> T read(String relativePath, Class<T> type) {
        try (InputStream in = open(relativePath)) {
            return yaml.readValue(new WholeCharacters(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)), type);
        } catch (JacksonException e) {
            throw new ContentException(relativePath + ": " + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException(relativePath, e);
        }
    }

    /** Reads one YAML file as a tree. */
    public JsonNode tree(String relativePath) {
        return read(relativePath, JsonNode.class);
    }

    /** Relative paths of the {@code .yml} files directly in a folder of the content, sorted. */
    public List<String> list(String folder) {
        List<String> names = new ArrayList<>();
        try {
            if (dir != null) {
                Path base = dir.resolve(folder);
                if (Files.isDirectory(base)) {
                    try (var files = Files.list(base)) {
                        files.filter(p -> p.toString().endsWith(".yml"))
                                .forEach(p -> names.add(folder + "/" + p.getFileName()));
                    }
                }
            } else {
                for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:messages/" + folder + "/*.yml")) {
                    names.add(folder + "/" + r.getFilename());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(folder, e);
        }
        return names.stream().distinct().sorted().toList();
    }

    /** Where the content comes from, for logs and the README's "operator's copy" check. */
    public String origin() {
        return dir == null ? "classpath:messages" : dir.toAbsolutePath().toString();
    }

    /** A file's bytes (a course's YAML, a document attached to a lesson); the path may not leave the content folder. */
    public byte[] bytes(String relativePath) throws IOException {
        if (!isSafe(relativePath)) throw new IOException("not a path inside the content folder: " + relativePath);
        try (InputStream in = open(relativePath)) {
            return in.readAllBytes();
        }
    }

    public boolean exists(String relativePath) {
        if (!isSafe(relativePath)) return false;
        if (dir != null) return Files.isRegularFile(dir.resolve(relativePath));
        return Content.class.getClassLoader().getResource("messages/" + relativePath) != null;
    }

    /** A relative path that stays inside the content folder: no absolute path, no "..", no backslash. */
    public static boolean isSafe(String relativePath) {
        if (relativePath == null || relativePath.isBlank() || relativePath.startsWith("/") || relativePath.contains("\\")) {
            return false;
        }
        for (String part : relativePath.split("/")) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) return false;
        }
        return true;
    }

    private InputStream open(String relativePath) throws IOException {
        if (dir != null) {
            return Files.newInputStream(dir.resolve(relativePath));
        }
        InputStream in = Content.class.getClassLoader().getResourceAsStream("messages/" + relativePath);
        if (in == null) throw new IOException("no such content file: " + relativePath);
        return in;
    }

    private static String location(JacksonException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    /** A content file that cannot be used, with the file and line in the message. */
    public static class ContentException extends RuntimeException {
        public ContentException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A text reader that never ends a chunk between the two halves of a surrogate pair (an emoji): the YAML scanner
     * (snakeyaml-engine) fails with "Range [1025, 1025 + 1) out of bounds" when its 1 KB chunk ends in the first half,
     * i.e. on an ordinary message file whose emoji happens to sit there.
     */
    public static java.io.Reader yamlReader(byte[] utf8) {
        return new WholeCharacters(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
    }

    static final class WholeCharacters extends java.io.Reader {
        private final String text;
        private int at;

        WholeCharacters(String text) {
            this.text = text;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (at >= text.length()) return -1;
            int n = Math.min(length, text.length() - at);
            if (n > 1 && Character.isHighSurrogate(text.charAt(at + n - 1))) n--;
            text.getChars(at, at + n, buffer, offset);
            at += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
