package io.partnerka.training;

import io.partnerka.conversation.Content;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Raw files of the content folder (course YAML for line numbers, documents attached to lessons): the operator's
 * folder when {@code partnerka.messages-dir} is set, else the copy inside the application — as {@link Content} does.
 */
@Component
class ContentFiles {

    private final Content content;
    private final Path dir;

    ContentFiles(Content content, @Value("${partnerka.messages-dir:}") String dir) {
        this.content = content;
        this.dir = dir == null || dir.isBlank() ? null : Path.of(dir).toAbsolutePath().normalize();
    }

    List<String> list(String folder) {
        return content.list(folder);
    }

    String origin() {
        return content.origin();
    }

    /** A file's bytes; the path is relative to the content folder and may not leave it. */
    byte[] bytes(String relativePath) throws IOException {
        if (!isSafe(relativePath)) throw new IOException("not a path inside the content folder: " + relativePath);
        if (dir != null) return Files.readAllBytes(dir.resolve(relativePath));
        try (InputStream in = ContentFiles.class.getClassLoader().getResourceAsStream("messages/" + relativePath)) {
            if (in == null) throw new IOException("no such content file: " + relativePath);
            return in.readAllBytes();
        }
    }

    boolean exists(String relativePath) {
        if (!isSafe(relativePath)) return false;
        if (dir != null) return Files.isRegularFile(dir.resolve(relativePath));
        return ContentFiles.class.getClassLoader().getResource("messages/" + relativePath) != null;
    }

    static boolean isSafe(String relativePath) {
        if (relativePath == null || relativePath.isBlank() || relativePath.startsWith("/") || relativePath.contains("\\")) {
            return false;
        }
        for (String part : relativePath.split("/")) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) return false;
        }
        return true;
    }
}
