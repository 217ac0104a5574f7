package io.partnerka.conversation;

/** Something wrong in a content file (a course, a knowledge-base section); {@code line} is null when unknown. */
public record ContentProblem(String file, Integer line, String message, boolean error) {
    @Override
    public String toString() {
        return file + (line == null ? "" : ":" + line) + ": " + message;
    }
}
