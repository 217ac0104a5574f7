package io.partnerka.training;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.partner.PartnerView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.web.util.HtmlUtils;

/**
 * A course's test: one question per message with buttons (toggles and Done for multiple choice), options shuffled
 * per attempt, the result with what was wrong, the certificate on passing. Every button carries the attempt and the
 * question it belongs to, so a button of an older question or a finished attempt does nothing.
 */
@Service
class Quizzes {

    static final String PREFIX = "tq";
    /** Options longer than this are listed in the message and answered with numbered buttons. */
    static final int BUTTON_TEXT_MAX = 40;
    /** Stay under Telegram's 4096 characters per message. */
    static final int MESSAGE_MAX = 3900;

    private final Training training;
    private final TrainingStore store;
    private final Certificates certificates;
    private final ApplicationEventPublisher events;
    private final Formats formats;
    Clock clock = Clock.systemUTC();

    Quizzes(Training training, TrainingStore store, Certificates certificates, ApplicationEventPublisher events,
            Formats formats) {
        this.training = training;
        this.store = store;
        this.certificates = certificates;
        this.events = events;
        this.formats = formats;
    }

    /** "Take the test": resumes an open attempt, or starts one when the lessons are read and no wait applies. */
    void start(ChatContext ctx, PartnerView partner, Course course) {
        String lang = ctx.language();
        Optional<TrainingStore.CertificateRow> cert = store.certificateOf(ctx.userId(), course.id());
        if (cert.isPresent()) {
            ctx.reply(Reply.Text.of(ctx.text("training.quiz.already-passed")).withButtons(List.of(
                    List.of(ctx.button(ctx.text("training.button.certificate"), "tr:p:" + course.id())),
                    List.of(ctx.button(ctx.text("training.button.courses"), "tr:list")))));
            return;
        }
        Instant now = clock.instant();
        Optional<TrainingStore.Attempt> open = store.openAttempt(ctx.userId(), course.id());
        if (open.isPresent()) {
            if (open.get().fingerprint().equals(course.fingerprint())) {
                ctx.say("training.quiz.resume");
                sendQuestion(ctx, course, open.get(), null);
                return;
            }
            store.abandon(open.get().id(), now);
            ctx.say("training.quiz.course-changed");
        }
        int read = store.lessonsRead(ctx.userId(), course.id());
        if (read < course.lessons().size()) {
            ctx.reply(Reply.Text.of(ctx.text("training.read-first", "read", read, "total", course.lessons().size()))
                    .withButtons(List.of(List.of(ctx.button(ctx.text("training.button.continue"),
                            "tr:l:" + course.id() + ":" + read)))));
            return;
        }
        Course.Quiz quiz = course.quiz();
        List<TrainingStore.Attempt> finished = store.finished(ctx.userId(), course.id());
        long failed = finished.stream().filter(a -> a.status() == TrainingStore.Status.FAILED).count();
        if (quiz.attempts() > 0 && failed >= quiz.attempts()) {
            ctx.say("training.quiz.no-attempts", "attempts", quiz.attempts());
            return;
        }
        Optional<Instant> nextTry = nextTry(course, finished);
        if (nextTry.isPresent() && nextTry.get().isAfter(now)) {
            ctx.reply(Reply.Text.of(ctx.text("training.quiz.cool-down", "time", formats.dateTime(nextTry.get(), ctx.language())))
                    .withButtons(List.of(List.of(ctx.button(ctx.text("training.button.lessons-again"), "tr:l:" + course.id() + ":0")))));
            return;
        }
        long id = store.createAttempt(ctx.userId(), course.id(), course.fingerprint(), shuffledLayout(quiz), now);
        TrainingStore.Attempt attempt = store.lock(id).orElseThrow();
        ctx.say("training.quiz.intro", "title", training.title(course, lang), "questions", quiz.questions().size(),
                "pass", quiz.passMark(), "attempts", quiz.attempts() == 0 ? "∞" : String.valueOf(quiz.attempts() - failed));
        sendQuestion(ctx, course, attempt, null);
    }

    /** A pressed answer button: {@code <attempt>:<question>:<option shown>|d}. */
    void press(ChatContext ctx, String args) {
        String[] parts = args.split(":");
        if (parts.length != 3 || !parts[0].matches("\\d{1,18}") || !parts[1].matches("\\d{1,3}")) {
            ctx.answerCallback(ctx.text("common.button-invalid"), true);
            return;
        }
        Optional<TrainingStore.Attempt> found = store.lock(Long.parseLong(parts[0]));
        if (found.isEmpty() || found.get().userId() != ctx.userId()) {
            ctx.answerCallback(ctx.text("common.button-invalid"), true);
            return;
        }
        TrainingStore.Attempt attempt = found.get();
        int question = Integer.parseInt(parts[1]);
        if (attempt.status() != TrainingStore.Status.OPEN) {
            ctx.answerCallback(ctx.text("training.quiz.finished"), false);
            return;
        }
        if (question != attempt.current()) {
            ctx.answerCallback(ctx.text("training.quiz.stale"), false);
            return;
        }
        PartnerView partner = training.partner(ctx);
        Course course = training.course(partner, attempt.courseId());
        if (!course.fingerprint().equals(attempt.fingerprint())) {
            store.abandon(attempt.id(), clock.instant());
            ctx.reply(Reply.Text.of(ctx.text("training.quiz.course-changed")).withButtons(List.of(
                    List.of(ctx.button(ctx.text("training.button.quiz"), "tr:q:" + course.id())))));
            return;
        }
        Course.Question q = course.quiz().questions().get(question);
        List<Integer> shown = attempt.layout().get(question);
        String arg = parts[2];
        if (arg.equals("d")) {
            if (!q.multiple()) {
                ctx.answerCallback(ctx.text("common.button-invalid"), true);
                return;
            }
            if (attempt.selection().isEmpty()) {
                ctx.answerCallback(ctx.text("training.quiz.choose-one"), true);
                return;
            }
            record(ctx, course, attempt, question, attempt.selection());
            return;
        }
        if (!arg.matches("\\d{1,2}") || Integer.parseInt(arg) >= shown.size()) {
            ctx.answerCallback(ctx.text("common.button-invalid"), true);
            return;
        }
        int option = shown.get(Integer.parseInt(arg));
        if (q.multiple()) {
            Set<Integer> selection = new TreeSet<>(attempt.selection());
            if (!selection.remove(option)) selection.add(option);
            store.select(attempt.id(), selection);
            Integer messageId = ctx.inbound().messageId();
            TrainingStore.Attempt updated = store.lock(attempt.id()).orElseThrow();
            sendQuestion(ctx, course, updated, messageId);
        } else {
            record(ctx, course, attempt, question, Set.of(option));
        }
    }

    private void record(ChatContext ctx, Course course, TrainingStore.Attempt attempt, int question, Set<Integer> chosen) {
        Course.Question q = course.quiz().questions().get(question);
        store.answer(attempt.id(), question, chosen, chosen.equals(q.correct()));
        Integer messageId = ctx.inbound().messageId();
        if (messageId != null) {
            ctx.reply(Reply.Text.of(ctx.text("training.quiz.answered",
                    "n", question + 1, "total", attempt.total(),
                    "text", new Messages.Trusted(training.text(q.text(), ctx.language())),
                    "answer", answerText(ctx, q, chosen))).asEditOf(messageId));
        }
        TrainingStore.Attempt next = store.lock(attempt.id()).orElseThrow();
        if (next.current() < next.total()) {
            sendQuestion(ctx, course, next, null);
        } else {
            finish(ctx, course, next);
        }
    }

    private void finish(ChatContext ctx, Course course, TrainingStore.Attempt attempt) {
        String lang = ctx.language();
        Instant now = clock.instant();
        Course.Quiz quiz = course.quiz();
        List<TrainingStore.Answer> answers = store.answers(attempt.id());
        int correct = (int) answers.stream().filter(TrainingStore.Answer::correct).count();
        int total = attempt.total();
        int score = (int) Math.floor(correct * 100.0 / total);
        boolean passed = correct * 100 >= quiz.passMark() * total;
        store.finish(attempt.id(), passed ? TrainingStore.Status.PASSED : TrainingStore.Status.FAILED, correct, score, now);

        List<String> parts = new ArrayList<>();
        parts.add(ctx.text(passed ? "training.result.passed" : "training.result.failed",
                "correct", correct, "total", total, "score", score, "pass", quiz.passMark()));
        List<TrainingStore.Answer> wrong = answers.stream().filter(a -> !a.correct()).toList();
        if (!wrong.isEmpty()) {
            parts.add(ctx.text("training.result.wrong-header"));
            for (TrainingStore.Answer a : wrong) {
                Course.Question q = quiz.questions().get(a.question());
                String line = ctx.text("training.result.wrong-line", "n", a.question() + 1,
                        "question", shorten(plain(training.text(q.text(), lang)), 200), "answer", answerText(ctx, q, a.chosen()));
                if (!q.explanation().isEmpty()) {
                    line += "\n" + ctx.text("training.result.explanation",
                            "explanation", new Messages.Trusted(training.text(q.explanation(), lang)));
                }
                parts.add(line);
            }
        }
        List<List<Button>> buttons = new ArrayList<>();
        if (passed) {
            sendInChunks(ctx, parts, List.of());
            PartnerView partner = training.partner(ctx);
            TrainingStore.CertificateRow cert = certificates.issue(ctx.userId(), partner.id(), partner.name(), course.id(),
                    training.title(course, lang), lang, score, attempt.id(), now);
            ctx.reply(certificates.document(cert, ctx.text("training.certificate.caption", "code", cert.code())));
            boolean allMandatory = training.allMandatoryPassed(ctx.userId());
            if (course.mandatory() && allMandatory) ctx.say("training.gate.all-passed");
            ctx.reply(Reply.Text.of(ctx.text("training.certificate.sent", "url", certificates.verifyUrl(cert.code())))
                    .withButtons(List.of(List.of(ctx.button(ctx.text("training.button.courses"), "tr:list")))));
            events.publishEvent(new CoursePassed(ctx.userId(), partner.id(), course.id(), course.mandatory(), cert.code(), allMandatory));
            return;
        }
        long failed = store.finished(ctx.userId(), course.id()).stream()
                .filter(a -> a.status() == TrainingStore.Status.FAILED).count();
        if (quiz.attempts() > 0 && failed >= quiz.attempts()) {
            parts.add(ctx.text("training.result.no-attempts-left"));
        } else {
            if (quiz.attempts() > 0) parts.add(ctx.text("training.result.attempts-left", "left", quiz.attempts() - failed));
            if (quiz.coolDown().isZero()) {
                parts.add(ctx.text("training.result.retry-now"));
                buttons.add(List.of(ctx.button(ctx.text("training.button.retry"), "tr:q:" + course.id())));
            } else {
                parts.add(ctx.text("training.result.retry-at", "time", formats.dateTime(now.plus(quiz.coolDown()), ctx.language())));
            }
        }
        if (!course.lessons().isEmpty()) {
            buttons.add(List.of(ctx.button(ctx.text("training.button.lessons-again"), "tr:l:" + course.id() + ":0")));
        }
        buttons.add(List.of(ctx.button(ctx.text("training.button.courses"), "tr:list")));
        sendInChunks(ctx, parts, buttons);
    }

    /** Sends a question as a new message, or re-draws it (toggled options) in the message with {@code editOf}. */
    void sendQuestion(ChatContext ctx, Course course, TrainingStore.Attempt attempt, Integer editOf) {
        int n = attempt.current();
        Course.Question q = course.quiz().questions().get(n);
        String lang = ctx.language();
        List<Integer> shown = attempt.layout().get(n);
        boolean numbered = shown.stream().anyMatch(i -> training.text(q.options().get(i).text(), lang).length() > BUTTON_TEXT_MAX);
        StringBuilder body = new StringBuilder(ctx.text("training.quiz.question", "n", n + 1, "total", attempt.total(),
                "text", new Messages.Trusted(training.text(q.text(), lang))));
        if (numbered) {
            body.append("\n");
            for (int i = 0; i < shown.size(); i++) {
                body.append("\n").append(i + 1).append(") ")
                        .append(Messages.escape(training.text(q.options().get(shown.get(i)).text(), lang)));
            }
        }
        if (q.multiple()) body.append("\n\n").append(ctx.text("training.quiz.multiple-hint"));
        List<List<Button>> rows = new ArrayList<>();
        List<Button> numberRow = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            String label = numbered ? String.valueOf(i + 1) : training.text(q.options().get(shown.get(i)).text(), lang);
            if (q.multiple() && attempt.selection().contains(shown.get(i))) label = "✅ " + label;
            Button b = ctx.button(label, PREFIX + ":" + attempt.id() + ":" + n + ":" + i);
            if (numbered) numberRow.add(b); else rows.add(List.of(b));
            if (numbered && numberRow.size() == 5) {
                rows.add(numberRow);
                numberRow = new ArrayList<>();
            }
        }
        if (!numberRow.isEmpty()) rows.add(numberRow);
        if (q.multiple()) rows.add(List.of(ctx.button(ctx.text("training.button.done"), PREFIX + ":" + attempt.id() + ":" + n + ":d")));
        Reply.Text text = Reply.Text.of(body.toString()).withButtons(rows);
        ctx.reply(editOf == null ? text : text.asEditOf(editOf));
    }

    /** When the next attempt may start after the last failed one; empty when there is no wait. */
    Optional<Instant> nextTry(Course course, List<TrainingStore.Attempt> finished) {
        return finished.stream().filter(a -> a.status() == TrainingStore.Status.FAILED)
                .map(TrainingStore.Attempt::finishedAt).max(Instant::compareTo)
                .map(last -> last.plus(course.quiz().coolDown()));
    }

    private String answerText(ChatContext ctx, Course.Question q, Set<Integer> chosen) {
        List<String> texts = new ArrayList<>();
        for (int i : chosen) {
            if (i < q.options().size()) texts.add(training.text(q.options().get(i).text(), ctx.language()));
        }
        return String.join("; ", texts);
    }

    private static List<List<Integer>> shuffledLayout(Course.Quiz quiz) {
        List<List<Integer>> layout = new ArrayList<>();
        for (Course.Question q : quiz.questions()) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < q.options().size(); i++) order.add(i);
            Collections.shuffle(order, ThreadLocalRandom.current());
            layout.add(order);
        }
        return layout;
    }

    /** Long results go out as several messages; buttons stay on the last one. */
    private static void sendInChunks(ChatContext ctx, List<String> parts, List<List<Button>> buttons) {
        List<String> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String part : parts) {
            if (!current.isEmpty() && current.length() + part.length() + 2 > MESSAGE_MAX) {
                chunks.add(current.toString());
                current = new StringBuilder();
            }
            if (!current.isEmpty()) current.append("\n\n");
            current.append(part.length() > MESSAGE_MAX ? part.substring(0, MESSAGE_MAX) : part);
        }
        if (!current.isEmpty()) chunks.add(current.toString());
        for (int i = 0; i < chunks.size(); i++) {
            Reply.Text t = Reply.Text.of(chunks.get(i));
            ctx.reply(i == chunks.size() - 1 ? t.withButtons(buttons) : t);
        }
    }

    /** Course HTML as plain text (for a short quote of a question). */
    static String plain(String html) {
        return HtmlUtils.htmlUnescape(html.replaceAll("<[^>]+>", "")).replaceAll("\\s+", " ").strip();
    }

    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
