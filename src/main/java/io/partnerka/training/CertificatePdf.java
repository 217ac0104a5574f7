package io.partnerka.training;

import com.lowagie.text.Document;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfWriter;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.stereotype.Component;

/**
 * Draws a certificate as a one-page landscape PDF. The font (DejaVu Sans, shipped in {@code resources/fonts} with its
 * license) is embedded, so Cyrillic names render in any viewer.
 */
@Component
class CertificatePdf {

    private static final Color INK = new Color(0x1f, 0x2a, 0x44);
    private static final Color ACCENT = new Color(0x2f, 0x6f, 0xeb);
    private static final Color MUTED = new Color(0x6b, 0x72, 0x80);

    private final byte[] regularFont = font("fonts/DejaVuSans.ttf");
    private final byte[] boldFont = font("fonts/DejaVuSans-Bold.ttf");

    /** All texts already in the certificate's language (the course title in its quotation marks); nothing here is HTML. */
    record Content(String heading, String confirms, String name, String completed, String course, String scoreLine,
                   String dateLine, String codeLine, String verifyLine, String author) {
    }

    byte[] render(Content c) {
        Rectangle page = PageSize.A4.rotate();
        Document doc = new Document(page, 60, 60, 70, 50);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PdfWriter writer = PdfWriter.getInstance(doc, out);
        doc.addTitle(c.heading() + " — " + c.course());
        doc.addAuthor(c.author());
        doc.addCreator("Partnerka");
        doc.open();
        try {
            BaseFont regular = BaseFont.createFont("DejaVuSans.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, true, regularFont, null);
            BaseFont bold = BaseFont.createFont("DejaVuSans-Bold.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, true, boldFont, null);

            PdfContentByte canvas = writer.getDirectContentUnder();
            canvas.setColorStroke(ACCENT);
            canvas.setLineWidth(3f);
            canvas.rectangle(25, 25, page.getWidth() - 50, page.getHeight() - 50);
            canvas.stroke();
            canvas.setLineWidth(0.8f);
            canvas.rectangle(33, 33, page.getWidth() - 66, page.getHeight() - 66);
            canvas.stroke();

            doc.add(line(c.heading(), new Font(bold, 38, Font.NORMAL, ACCENT), 10));
            doc.add(line(c.confirms(), new Font(regular, 15, Font.NORMAL, MUTED), 34));
            doc.add(line(c.name(), new Font(bold, 30, Font.NORMAL, INK), 14));
            doc.add(line(c.completed(), new Font(regular, 15, Font.NORMAL, MUTED), 22));
            doc.add(line(c.course(), new Font(bold, 22, Font.NORMAL, INK), 10));
            doc.add(line(c.scoreLine(), new Font(regular, 13, Font.NORMAL, INK), 30));
            doc.add(line(c.dateLine(), new Font(regular, 13, Font.NORMAL, INK), 6));
            doc.add(line(c.codeLine(), new Font(bold, 13, Font.NORMAL, INK), 26));
            doc.add(line(c.verifyLine(), new Font(regular, 10, Font.NORMAL, MUTED), 6));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            doc.close();
        }
        return out.toByteArray();
    }

    private static Paragraph line(String text, Font font, float spacingBefore) {
        Paragraph p = new Paragraph(text, font);
        p.setAlignment(Element.ALIGN_CENTER);
        p.setSpacingBefore(spacingBefore);
        return p;
    }

    private static byte[] font(String resource) {
        try (InputStream in = CertificatePdf.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("Font " + resource + " is missing from the application");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
