package io.partnerka.admin.web;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Formatting for the pages ({@code ${@adminFormat.time(x)}}): times in the program's time zone, money, JSON. */
@Component("adminFormat")
public class AdminFormat {

    private final DateTimeFormatter time;
    private final DateTimeFormatter date;
    private final JsonMapper json = JsonMapper.builder().build();

    public AdminFormat(@Value("${partnerka.time-zone:Europe/Moscow}") String zone) {
        this.time = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm").withZone(ZoneId.of(zone));
        this.date = DateTimeFormatter.ofPattern("dd.MM.yyyy").withZone(ZoneId.of(zone));
    }

    public String time(Instant instant) {
        return instant == null ? "—" : time.format(instant);
    }

    public String date(Instant instant) {
        return instant == null ? "—" : date.format(instant);
    }

    public String money(BigDecimal amount, String currency) {
        if (amount == null) return "—";
        DecimalFormat f = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return f.format(amount).replace(',', '\u00a0') + (currency == null ? "" : " " + currency);
    }

    public String json(Object value) {
        return json.writeValueAsString(value);
    }
}
