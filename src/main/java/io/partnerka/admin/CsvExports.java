package io.partnerka.admin;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * CSV downloads of the filtered lists (partners, deals) for spreadsheets and accounting: UTF-8 with a byte order
 * mark (Excel reads Cyrillic correctly), semicolon-free RFC 4180 quoting, phones masked as on the pages.
 */
@Controller
class CsvExports implements AdminPage {

    private static final int MAX_PAGES = 200; // 10 000 rows

    private final PartnerDirectory partners;
    private final DealDesk deals;
    private final io.partnerka.admin.web.AdminFormat format;

    CsvExports(PartnerDirectory partners, DealDesk deals, io.partnerka.admin.web.AdminFormat format) {
        this.partners = partners;
        this.deals = deals;
        this.format = format;
    }

    @GetMapping("/admin/partners.csv")
    ResponseEntity<byte[]> partners(@RequestParam(required = false) String q, @RequestParam(required = false) String status,
                                    @RequestParam(required = false) String type, @RequestParam(required = false) String segment,
                                    @RequestParam(required = false) Long manager, @RequestParam(required = false) String activity) {
        List<PartnerDirectory.Row> rows = all(page -> partners.search(new PartnerDirectory.Filter(q, status, type, segment, manager, activity, page)),
                PartnerDirectory.Filter.PAGE_SIZE);
        StringBuilder csv = new StringBuilder("id,name,city,status,type,segment,manager_id,clients,paid_clients,applied,last_seen\r\n");
        for (PartnerDirectory.Row r : rows) {
            line(csv, r.id(), r.name(), r.city(), r.status(), r.type(), r.segment(), r.managerId(), r.clients(), r.paidClients(),
                    format.time(r.appliedAt()), format.time(r.lastSeenAt()));
        }
        return download("partners.csv", csv);
    }

    @GetMapping("/admin/deals.csv")
    ResponseEntity<byte[]> deals(@RequestParam(required = false) String q, @RequestParam(required = false) String status,
                                 @RequestParam(required = false) Long partner, @RequestParam(required = false) String product,
                                 @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                 @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        List<DealDesk.Row> rows = all(page -> deals.search(new DealDesk.Filter(q, status, partner, product, from, to, page)),
                DealDesk.Filter.PAGE_SIZE);
        StringBuilder csv = new StringBuilder("id,partner_id,partner,client,phone,product,status,amount,currency,submitted,status_changed\r\n");
        for (DealDesk.Row r : rows) {
            line(csv, r.id(), r.partnerId(), r.partnerName(), r.clientName(), r.clientPhone(), r.product(), r.status(),
                    r.amount() == null ? null : r.amount().toPlainString(), r.currency(), format.time(r.submittedAt()),
                    format.time(r.statusChangedAt()));
        }
        return download("deals.csv", csv);
    }

    /** Every page of a search (each page asks for one row more than it shows, to know whether more follow). */
    private static <T> List<T> all(Function<Integer, List<T>> page, int size) {
        List<T> out = new ArrayList<>();
        for (int p = 0; p < MAX_PAGES; p++) {
            List<T> rows = page.apply(p);
            out.addAll(rows.subList(0, Math.min(size, rows.size())));
            if (rows.size() <= size) break;
        }
        return out;
    }

    static void line(StringBuilder csv, Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) csv.append(',');
            csv.append(cell(values[i]));
        }
        csv.append("\r\n");
    }

    static String cell(Object value) {
        if (value == null) return "";
        String s = String.valueOf(value);
        // a leading =, +, - or @ would be a formula in a spreadsheet: neutralise it
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("-?\\d+(\\.\\d+)?")) s = "'" + s;
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") || !s.equals(s.strip())) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static ResponseEntity<byte[]> download(String name, StringBuilder csv) {
        byte[] body = ("\uFEFF" + csv).getBytes(StandardCharsets.UTF_8);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(body);
    }
}
