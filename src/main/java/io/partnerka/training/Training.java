package io.partnerka.training;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Localized;
import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The public face of training: whether a partner passed the mandatory courses (the gate before submitting clients),
 * a partner's status per course (for the partner card), pass rates per course (for managers).
 */
@Service
public class Training {

    private final CourseCatalog catalog;
    private final TrainingStore store;
    private final Partners partners;
    private final Messages messages;
    private final boolean gate;
    private final Formats formats;

    Training(CourseCatalog catalog, TrainingStore store, Partners partners, Messages messages,
             @Value("${partnerka.training.gate:true}") boolean gate,
             Formats formats) {
        this.catalog = catalog;
        this.store = store;
        this.partners = partners;
        this.messages = messages;
        this.gate = gate;
        this.formats = formats;
    }

    /** Whether the training gate is on ({@code partnerka.training.gate}). */
    public boolean isGateOn() {
        return gate;
    }

    /**
     * Whether this person may submit clients as far as training is concerned: true when the gate is off or when they
     * passed every mandatory course of their segment (for someone who is not a partner: every mandatory course meant
     * for all segments).
     */
    @Transactional(readOnly = true)
    public boolean hasPassedMandatory(long userId) {
        if (!gate) return true;
        return missingMandatoryCourses(userId).isEmpty();
    }

    /** Ids of the mandatory courses of the person's segment they have not passed (whatever the gate setting). */
    @Transactional(readOnly = true)
    public List<String> missingMandatory(long userId) {
        return missingMandatoryCourses(userId).stream().map(Course::id).toList();
    }

    /**
     * What the submit-client flow shows when {@link #hasPassedMandatory} is false: why, and a button per missing
     * course that opens it.
     */
    @Transactional(readOnly = true)
    public Reply.Text gateReply(ChatContext ctx) {
        List<Course> missing = missingMandatoryCourses(ctx.userId());
        String titles = missing.stream().map(c -> Formats.quote(title(c, ctx.language()), ctx.language())).collect(Collectors.joining(", "));
        List<List<Button>> rows = new ArrayList<>();
        for (Course c : missing) {
            rows.add(List.of(ctx.button("🎓 " + title(c, ctx.language()), "tr:c:" + c.id())));
        }
        return Reply.Text.of(ctx.text("training.gate.blocked", "courses", titles)).withButtons(rows);
    }

    /** The person's status in every course they see, in their language; empty for someone who is not a partner. */
    @Transactional(readOnly = true)
    public List<CourseStatus> statusOf(long userId, String language) {
        Optional<PartnerView> partner = partners.byUser(userId);
        if (partner.isEmpty()) return List.of();
        Snapshot s = snapshot(userId);
        return visible(partner.get()).stream().map(c -> status(c, language, s)).toList();
    }

    /** One line (Telegram HTML) for the partner card: each course with its state. */
    @Transactional(readOnly = true)
    public String statusLine(long userId, String language) {
        List<CourseStatus> all = statusOf(userId, language);
        if (all.isEmpty()) return messages.text(language, "training.partner-card.none");
        String courses = all.stream().map(s -> Messages.escape(s.title()) + ": " + stateText(s, language))
                .collect(Collectors.joining("; "));
        return messages.text(language, "training.partner-card.line", Map.of("courses", new Messages.Trusted(courses)));
    }

    /** Pass rates of every course, in the reader's language. */
    @Transactional(readOnly = true)
    public List<CoursePassRate> passRates(String language) {
        Map<String, TrainingStore.CourseNumbers> numbers = store.numbers();
        List<CoursePassRate> out = new ArrayList<>();
        for (Course c : catalog.all()) {
            TrainingStore.CourseNumbers n = numbers.getOrDefault(c.id(),
                    new TrainingStore.CourseNumbers(c.id(), 0, 0, 0, 0, 0, null));
            out.add(new CoursePassRate(c.id(), title(c, language), c.mandatory(), n.started(), n.tried(), n.passed(),
                    n.attempts(), n.firstTryPassed(), n.averageScore()));
        }
        return out;
    }

    // ---- used inside the module ---------------------------------------------------------------------------------

    /** The approved partner behind a chat, or a refusal the person understands. */
    PartnerView partner(ChatContext ctx) {
        return partners.approvedPartner(ctx.userId());
    }

    List<Course> visible(PartnerView partner) {
        return catalog.all().stream().filter(c -> c.visibleTo(partner.segment(), partner.type())).toList();
    }

    /** The course when this partner may open it; a removed course or one of another segment is refused. */
    Course course(PartnerView partner, String courseId) {
        Course c = catalog.find(courseId).orElseThrow(() -> new UserError("training.no-such-course"));
        if (!c.visibleTo(partner.segment(), partner.type())) throw new UserError("training.not-available");
        return c;
    }

    String title(Course c, String language) {
        return c.title().in(language, catalog.defaultLanguage());
    }

    String text(Localized l, String language) {
        return l.in(language, catalog.defaultLanguage());
    }

    String date(java.time.Instant instant, String language) {
        return formats.date(instant, language);
    }

    /** Everything stored about one partner's training, read once for a list. */
    record Snapshot(Map<String, Integer> read, Map<String, TrainingStore.CertificateRow> certificates,
                    Map<String, List<TrainingStore.Attempt>> finished, Set<String> open) {
    }

    Snapshot snapshot(long userId) {
        Map<String, TrainingStore.CertificateRow> certs = new HashMap<>();
        store.certificatesOf(userId).forEach(c -> certs.put(c.courseId(), c));
        Map<String, List<TrainingStore.Attempt>> finished = store.finished(userId).stream()
                .collect(Collectors.groupingBy(TrainingStore.Attempt::courseId));
        Set<String> open = new HashSet<>();
        for (Course c : catalog.all()) store.openAttempt(userId, c.id()).ifPresent(a -> open.add(c.id()));
        return new Snapshot(store.lessonsRead(userId), certs, finished, open);
    }

    CourseStatus status(Course c, String language, Snapshot s) {
        int read = Math.min(s.read().getOrDefault(c.id(), 0), c.lessons().size());
        List<TrainingStore.Attempt> attempts = s.finished().getOrDefault(c.id(), List.of());
        Integer best = attempts.stream().map(TrainingStore.Attempt::score).filter(java.util.Objects::nonNull)
                .max(Integer::compare).orElse(null);
        TrainingStore.CertificateRow cert = s.certificates().get(c.id());
        CourseStatus.State state;
        if (cert != null) state = CourseStatus.State.PASSED;
        else if (!attempts.isEmpty()) state = CourseStatus.State.FAILED;
        else if (read >= c.lessons().size() && (read > 0 || s.open().contains(c.id()))) state = CourseStatus.State.READY_FOR_TEST;
        else if (read > 0 || s.open().contains(c.id())) state = CourseStatus.State.READING;
        else state = CourseStatus.State.NOT_STARTED;
        return new CourseStatus(c.id(), title(c, language), c.mandatory(), state, read, c.lessons().size(),
                attempts.size(), best, cert == null ? null : cert.issuedAt(), cert == null ? null : cert.code());
    }

    /** The state in words (Telegram HTML), e.g. "lessons 2 of 3" or "passed ✅ 12.05.2026". */
    String stateText(CourseStatus s, String language) {
        return switch (s.state()) {
            case NOT_STARTED -> messages.text(language, "training.state.not-started");
            case READING -> messages.text(language, "training.state.reading", Map.of("read", s.lessonsRead(), "total", s.lessons()));
            case READY_FOR_TEST -> messages.text(language, "training.state.ready");
            case FAILED -> messages.text(language, "training.state.failed",
                    Map.of("score", s.bestScore() == null ? 0 : s.bestScore(), "attempts", s.attempts()));
            case PASSED -> messages.text(language, "training.state.passed", Map.of("date", date(s.passedAt(), language)));
        };
    }

    private List<Course> missingMandatoryCourses(long userId) {
        Optional<PartnerView> partner = partners.byUser(userId);
        List<Course> mandatory = partner.map(p -> visible(p).stream().filter(Course::mandatory).toList())
                .orElseGet(() -> catalog.all().stream().filter(c -> c.mandatory() && c.segments().isEmpty()).toList());
        if (mandatory.isEmpty()) return List.of();
        Set<String> passed = store.certificatesOf(userId).stream().map(TrainingStore.CertificateRow::courseId)
                .collect(Collectors.toSet());
        return mandatory.stream().filter(c -> !passed.contains(c.id())).toList();
    }

    boolean allMandatoryPassed(long userId) {
        return missingMandatoryCourses(userId).isEmpty();
    }
}
