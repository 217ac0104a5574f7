package io.partnerka.training;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import io.partnerka.partner.PartnerView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * {@code /training} and the "Training" menu button: the partner's courses with progress, a course's card, its
 * lessons one at a time with Next, the test ({@link Quizzes}) and the certificate again. A manager gets the pass
 * rates instead. Buttons: {@code tr:list}, {@code tr:c:<course>}, {@code tr:l:<course>:<lesson>},
 * {@code tr:q:<course>}, {@code tr:p:<course>}.
 */
@Component
class TrainingAction implements ChatAction {

    private static final Logger log = LoggerFactory.getLogger(TrainingAction.class);
    static final String MENU_KEY = "training.menu";
    private final Training training;
    private final TrainingStore store;
    private final Quizzes quizzes;
    private final Certificates certificates;
    private final ContentFiles files;
    private final TrainingStatsAction stats;
    private final ApplicationEventPublisher events;

    TrainingAction(Training training, TrainingStore store, Quizzes quizzes, Certificates certificates,
                   ContentFiles files, TrainingStatsAction stats, ApplicationEventPublisher events) {
        this.events = events;
        this.training = training;
        this.store = store;
        this.quizzes = quizzes;
        this.certificates = certificates;
        this.files = files;
        this.stats = stats;
    }

    @Override
    public Set<String> commands() {
        return Set.of("training");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of(MENU_KEY);
    }

    @Override
    public String callbackPrefix() {
        return "tr";
    }

    @Override
    public void run(ChatContext ctx, String args) {
        boolean callback = ctx.inbound() != null && ctx.inbound().kind() == io.partnerka.conversation.Inbound.Kind.CALLBACK;
        if (!callback && ctx.isManager()) {
            stats.run(ctx, "");
            return;
        }
        PartnerView partner = training.partner(ctx);
        // a drip button runs /training from a callback with no arguments: that is the list too
        String[] parts = callback && !args.isEmpty() ? args.split(":") : new String[]{"list"};
        switch (parts[0]) {
            case "list" -> list(ctx, partner);
            case "c" -> card(ctx, partner, training.course(partner, arg(parts, 1)));
            case "l" -> lesson(ctx, partner, training.course(partner, arg(parts, 1)), arg(parts, 2));
            case "q" -> quizzes.start(ctx, partner, training.course(partner, arg(parts, 1)));
            case "p" -> certificate(ctx, partner, training.course(partner, arg(parts, 1)));
            default -> ctx.answerCallback(ctx.text("common.button-invalid"), true);
        }
    }

    private static String arg(String[] parts, int i) {
        if (parts.length <= i) throw new UserError("training.no-such-course");
        return parts[i];
    }

    private void list(ChatContext ctx, PartnerView partner) {
        String lang = ctx.language();
        List<Course> courses = training.visible(partner);
        if (courses.isEmpty()) {
            ctx.say("training.list-empty");
            return;
        }
        Training.Snapshot snapshot = training.snapshot(ctx.userId());
        StringBuilder lines = new StringBuilder();
        List<List<Button>> rows = new ArrayList<>();
        for (Course c : courses) {
            CourseStatus s = training.status(c, lang, snapshot);
            String mark = switch (s.state()) {
                case PASSED -> "✅";
                case FAILED -> "🔁";
                case READING, READY_FOR_TEST -> "📖";
                case NOT_STARTED -> c.mandatory() ? "❗" : "▫️";
            };
            lines.append(ctx.text("training.list-line", "mark", mark, "title", s.title(),
                    "mandatory", new Messages.Trusted(c.mandatory() ? ctx.text("training.mandatory-mark") : ""),
                    "state", new Messages.Trusted(training.stateText(s, lang)))).append("\n");
            rows.add(List.of(ctx.button(mark + " " + s.title(), "tr:c:" + c.id())));
        }
        ctx.reply(Reply.Text.of(ctx.text("training.list", "courses", new Messages.Trusted(lines.toString().strip())))
                .withButtons(rows));
    }

    private void card(ChatContext ctx, PartnerView partner, Course course) {
        String lang = ctx.language();
        CourseStatus s = training.status(course, lang, training.snapshot(ctx.userId()));
        String description = training.text(course.description(), lang);
        ctx.reply(Reply.Text.of(ctx.text("training.card", "title", s.title(),
                        "description", new Messages.Trusted(description.isEmpty() ? "" : description + "\n"),
                        "lessons", course.lessons().size(), "questions", course.quiz().questions().size(),
                        "pass", course.quiz().passMark(),
                        "mandatory", new Messages.Trusted(course.mandatory() ? ctx.text("training.mandatory-note") : ""),
                        "state", new Messages.Trusted(training.stateText(s, lang))))
                .withButtons(cardButtons(ctx, course, s)));
    }

    private List<List<Button>> cardButtons(ChatContext ctx, Course course, CourseStatus s) {
        List<List<Button>> rows = new ArrayList<>();
        boolean lessonsLeft = s.lessonsRead() < course.lessons().size();
        if (s.isPassed()) {
            rows.add(List.of(ctx.button(ctx.text("training.button.certificate"), "tr:p:" + course.id())));
        } else if (lessonsLeft) {
            rows.add(List.of(ctx.button(ctx.text(s.lessonsRead() == 0 ? "training.button.start" : "training.button.continue"),
                    "tr:l:" + course.id() + ":" + s.lessonsRead())));
        } else {
            rows.add(List.of(ctx.button(ctx.text("training.button.quiz"), "tr:q:" + course.id())));
        }
        if (!lessonsLeft && !course.lessons().isEmpty()) {
            rows.add(List.of(ctx.button(ctx.text("training.button.lessons-again"), "tr:l:" + course.id() + ":0")));
        }
        rows.add(List.of(ctx.button(ctx.text("training.button.courses"), "tr:list")));
        return rows;
    }

    private void lesson(ChatContext ctx, PartnerView partner, Course course, String indexText) {
        if (!indexText.matches("\\d{1,3}") || Integer.parseInt(indexText) >= course.lessons().size()) {
            throw new UserError("training.no-such-lesson");
        }
        int n = Integer.parseInt(indexText);
        String lang = ctx.language();
        Course.Lesson lesson = course.lessons().get(n);
        if (store.markRead(ctx.userId(), course.id(), n + 1)) {
            events.publishEvent(new CourseStarted(ctx.userId(), partner.id(), course.id()));
        }
        if (lesson.document() != null) {
            try {
                byte[] content = files.bytes(lesson.document());
                ctx.reply(new Reply.Document(lesson.document().replaceAll("^.*/", ""), content, null));
            } catch (IOException e) {
                log.error("Lesson document {} of course {} cannot be read", lesson.document(), course.id(), e);
            }
        }
        List<List<Button>> rows = new ArrayList<>();
        if (lesson.link() != null) {
            String label = training.text(lesson.linkTitle(), lang);
            rows.add(List.of(Button.url(label.isEmpty() ? ctx.text("training.button.link") : label, lesson.link())));
        }
        if (n + 1 < course.lessons().size()) {
            rows.add(List.of(ctx.button(ctx.text("training.button.next"), "tr:l:" + course.id() + ":" + (n + 1))));
        } else if (store.certificateOf(ctx.userId(), course.id()).isEmpty()) {
            rows.add(List.of(ctx.button(ctx.text("training.button.quiz"), "tr:q:" + course.id())));
        }
        rows.add(List.of(ctx.button(ctx.text("training.button.courses"), "tr:list")));
        ctx.reply(Reply.Text.of(ctx.text("training.lesson", "n", n + 1, "total", course.lessons().size(),
                "title", training.text(lesson.title(), lang),
                "text", new Messages.Trusted(training.text(lesson.text(), lang)))).withButtons(rows));
    }

    private void certificate(ChatContext ctx, PartnerView partner, Course course) {
        TrainingStore.CertificateRow cert = store.certificateOf(ctx.userId(), course.id())
                .orElseThrow(() -> new UserError("training.no-certificate"));
        ctx.reply(certificates.document(cert, ctx.text("training.certificate.caption", "code", cert.code())));
    }
}
