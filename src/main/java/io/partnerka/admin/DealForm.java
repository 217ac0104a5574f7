package io.partnerka.admin;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/** The "change a deal" form (a bean: Thymeleaf's th:field reads and binds it). The deal module checks again. */
public class DealForm {

    @NotBlank(message = "web.deal.error.status")
    private String status;
    @DecimalMin(value = "0.01", message = "web.deal.error.amount-min")
    @DecimalMax(value = "1000000000", message = "web.deal.error.amount-max")
    @Digits(integer = 13, fraction = 2, message = "web.deal.error.amount-digits")
    private BigDecimal amount;
    @Size(min = 3, max = 3, message = "web.deal.error.currency")
    private String currency;
    @Size(max = 1000, message = "web.deal.error.comment")
    private String comment;
    private boolean reopen;
    private Integer version;

    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public BigDecimal getAmount() { return amount; }
    public void setAmount(BigDecimal amount) { this.amount = amount; }
    public String getCurrency() { return currency; }
    public void setCurrency(String currency) { this.currency = currency == null || currency.isBlank() ? null : currency; }
    public String getComment() { return comment; }
    public void setComment(String comment) { this.comment = comment; }
    public boolean isReopen() { return reopen; }
    public void setReopen(boolean reopen) { this.reopen = reopen; }
    public Integer getVersion() { return version; }
    public void setVersion(Integer version) { this.version = version; }

    DealDesk.Change change() {
        return new DealDesk.Change(status, amount, currency, comment, reopen, version);
    }
}
