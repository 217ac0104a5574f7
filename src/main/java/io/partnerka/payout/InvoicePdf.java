package io.partnerka.payout;

import com.lowagie.text.Document;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Draws a self-billing payout invoice as an A4 PDF. The DejaVu fonts the training certificates use (shipped in
 * {@code resources/fonts}) are embedded, so Cyrillic renders in any viewer and can be extracted as text.
 */
@Component
class InvoicePdf {

    private static final Color INK = new Color(0x1f, 0x2a, 0x44);
    private static final Color MUTED = new Color(0x6b, 0x72, 0x80);
    private static final Color RULE = new Color(0xd1, 0xd5, 0xdb);

    private final byte[] regularFont = font("fonts/DejaVuSans.ttf");
    private final byte[] boldFont = font("fonts/DejaVuSans-Bold.ttf");

    /** Every text already in the partner's language; nothing here is HTML. */
    record Content(String title, String dateLine, String payerHeading, List<String> payer, String payeeHeading,
                   List<String> payee, String periodLine, String[] columns, List<String[]> rows, String emptyRows,
                   String earnedLine, String totalLine, String footer) {
    }

    byte[] render(Content c) {
        Document doc = new Document(PageSize.A4, 50, 50, 50, 50);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PdfWriter.getInstance(doc, out);
        doc.addTitle(c.title());
        doc.addCreator("Partnerka");
        doc.open();
        try {
            BaseFont regular = BaseFont.createFont("DejaVuSans.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, true, regularFont, null);
            BaseFont bold = BaseFont.createFont("DejaVuSans-Bold.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, true, boldFont, null);
            Font title = new Font(bold, 16, Font.NORMAL, INK);
            Font heading = new Font(bold, 11, Font.NORMAL, INK);
            Font body = new Font(regular, 10, Font.NORMAL, INK);
            Font muted = new Font(regular, 9, Font.NORMAL, MUTED);

            doc.add(new Paragraph(c.title(), title));
            doc.add(spaced(c.dateLine(), muted, 2));
            doc.add(spaced(c.payerHeading(), heading, 14));
            for (String line : c.payer()) doc.add(new Paragraph(line, body));
            doc.add(spaced(c.payeeHeading(), heading, 12));
            for (String line : c.payee()) doc.add(new Paragraph(line, body));
            doc.add(spaced(c.periodLine(), body, 12));

            PdfPTable table = new PdfPTable(new float[]{18, 56, 26});
            table.setWidthPercentage(100);
            table.setSpacingBefore(10);
            for (String column : c.columns()) table.addCell(cell(column, heading, Element.ALIGN_LEFT, true));
            if (c.rows().isEmpty()) {
                PdfPCell none = cell(c.emptyRows(), muted, Element.ALIGN_LEFT, false);
                none.setColspan(3);
                table.addCell(none);
            }
            for (String[] row : c.rows()) {
                table.addCell(cell(row[0], body, Element.ALIGN_LEFT, false));
                table.addCell(cell(row[1], body, Element.ALIGN_LEFT, false));
                table.addCell(cell(row[2], body, Element.ALIGN_RIGHT, false));
            }
            doc.add(table);
            Paragraph earned = spaced(c.earnedLine(), body, 8);
            earned.setAlignment(Element.ALIGN_RIGHT);
            doc.add(earned);
            Paragraph total = spaced(c.totalLine(), title, 6);
            total.setAlignment(Element.ALIGN_RIGHT);
            doc.add(total);
            doc.add(spaced(c.footer(), muted, 24));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            doc.close();
        }
        return out.toByteArray();
    }

    private static Paragraph spaced(String text, Font font, float before) {
        Paragraph p = new Paragraph(text, font);
        p.setSpacingBefore(before);
        return p;
    }

    private static PdfPCell cell(String text, Font font, int align, boolean header) {
        PdfPCell cell = new PdfPCell(new Phrase(text, font));
        cell.setHorizontalAlignment(align);
        cell.setPadding(4);
        cell.setBorderColor(RULE);
        if (header) cell.setBackgroundColor(new Color(0xf3, 0xf4, 0xf6));
        return cell;
    }

    private static byte[] font(String resource) {
        try (InputStream in = InvoicePdf.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("Font " + resource + " is missing from the application");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
