package io.partnerka.training;

import io.partnerka.conversation.Content;
import io.partnerka.conversation.ContentProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Every course of {@code messages/training/*.yml}, read once at start. A file with an error is reported (file and
 * line) and skipped; the bot starts with the others.
 */
@Component
class CourseCatalog {

    private static final Logger log = LoggerFactory.getLogger(CourseCatalog.class);
    static final String FOLDER = "training";

    private final Map<String, Course> courses = new LinkedHashMap<>();
    private final List<ContentProblem> problems = new ArrayList<>();
    private final String defaultLanguage;

    CourseCatalog(Content files, @Value("${partnerka.languages:ru,en}") List<String> languages,
                  @Value("${partnerka.default-language:ru}") String defaultLanguage) {
        this.defaultLanguage = defaultLanguage;
        CourseLoader loader = new CourseLoader(languages, defaultLanguage, files::exists);
        List<Course> loaded = new ArrayList<>();
        for (String file : files.list(FOLDER)) {
            CourseLoader.Result result;
            try {
                result = loader.load(file, files.bytes(file));
            } catch (IOException | RuntimeException e) {
                result = new CourseLoader.Result(null, List.of(new ContentProblem(file, null, "cannot be read: " + e, true)));
            }
            for (ContentProblem p : result.problems()) {
                if (p.error()) log.error("Course file {}", p); else log.warn("Course file {}", p);
                problems.add(p);
            }
            if (result.course() == null) {
                log.error("Course file {} is skipped until it is fixed", file);
                continue;
            }
            Course course = result.course();
            if (loaded.stream().anyMatch(c -> c.id().equals(course.id()))) {
                ContentProblem p = new ContentProblem(file, null, "course id '" + course.id() + "' is used by another file; skipped", true);
                log.error("Course file {}", p);
                problems.add(p);
                continue;
            }
            loaded.add(course);
        }
        loaded.sort(Comparator.comparingInt(Course::order).thenComparing(Course::id));
        loaded.forEach(c -> courses.put(c.id(), c));
        log.info("Training: {} course(s) loaded from {}{}", courses.size(), files.origin(),
                problems.stream().anyMatch(ContentProblem::error) ? " (some files have errors, see above)" : "");
    }

    List<Course> all() {
        return List.copyOf(courses.values());
    }

    Optional<Course> find(String id) {
        return Optional.ofNullable(id == null ? null : courses.get(id));
    }

    /** Problems found at start, for tests and the operator. */
    List<ContentProblem> problems() {
        return List.copyOf(problems);
    }

    String defaultLanguage() {
        return defaultLanguage;
    }
}
