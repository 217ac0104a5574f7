package io.partnerka.training;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Issues certificates (one per partner and course, with a unique code that is hard to guess), renders them as PDF
 * and looks a code up for the public verification page.
 */
@Service
class Certificates {

    static final String PREFIX = "PK-";
    private static final char[] ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".toCharArray();
    private final SecureRandom random = new SecureRandom();
    private final TrainingStore store;
    private final CertificatePdf pdf;
    private final Messages messages;
    private final String publicUrl;
    private final Formats formats;

    Certificates(TrainingStore store, CertificatePdf pdf, Messages messages,
                 @Value("${partnerka.public-url:http://localhost:8080}") String publicUrl,
                 Formats formats) {
        this.store = store;
        this.pdf = pdf;
        this.messages = messages;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.formats = formats;
    }

    /** The partner's certificate of a course, issued now unless it already exists. */
    TrainingStore.CertificateRow issue(long userId, Long partnerId, String name, String courseId, String courseTitle,
                                       String language, int score, long attemptId, Instant now) {
        Optional<TrainingStore.CertificateRow> existing = store.certificateOf(userId, courseId);
        if (existing.isPresent()) return existing.get();
        TrainingStore.CertificateRow row = new TrainingStore.CertificateRow(newCode(), userId, partnerId, name, courseId,
                courseTitle, language, score, attemptId, now, null);
        store.insertCertificate(row);
        return row;
    }

    /** A valid (not revoked) certificate with this code; codes are read case-insensitively. */
    Optional<TrainingStore.CertificateRow> verify(String code) {
        if (code == null || !code.matches("[A-Za-z0-9-]{4,32}")) return Optional.empty();
        return store.certificate(code.toUpperCase(Locale.ROOT)).filter(c -> c.revokedAt() == null);
    }

    String verifyUrl(String code) {
        return publicUrl + "/certificates/" + code;
    }

    String date(Instant instant, String language) {
        return formats.date(instant, language);
    }

    byte[] pdf(TrainingStore.CertificateRow c) {
        String lang = c.language();
        return pdf.render(new CertificatePdf.Content(
                text(lang, "training.certificate.heading"),
                text(lang, "training.certificate.confirms"),
                c.partnerName(),
                text(lang, "training.certificate.completed"),
                Formats.quote(c.courseTitle(), lang),
                text(lang, "training.certificate.score") + " " + c.score() + "%",
                text(lang, "training.certificate.date") + " " + date(c.issuedAt(), lang),
                text(lang, "training.certificate.code") + " " + c.code(),
                text(lang, "training.certificate.verify") + " " + verifyUrl(c.code()),
                text(lang, "training.certificate.author")));
    }

    Reply.Document document(TrainingStore.CertificateRow c, String caption) {
        return new Reply.Document("certificate-" + c.code() + ".pdf", pdf(c), caption);
    }

    private String text(String lang, String key) {
        return messages.text(lang, key);
    }

    private String newCode() {
        for (int tries = 0; tries < 10; tries++) {
            StringBuilder code = new StringBuilder(PREFIX);
            for (int i = 0; i < 8; i++) {
                if (i == 4) code.append('-');
                code.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            if (store.certificate(code.toString()).isEmpty()) return code.toString();
        }
        throw new IllegalStateException("Could not find a free certificate code");
    }
}
