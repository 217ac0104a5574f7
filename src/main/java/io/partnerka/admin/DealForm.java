package io.partnerka.admin;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/** The "change a deal" form (a bean: Thymeleaf's th:field reads and binds it). The deal module checks again. */
public class DealForm {

    @NotBlank(message = "Choose a status.")
    private String status;
    @DecimalMin(value = "0.01", message = "An amount is more than zero.")
    @DecimalMax(value = "1000000000", message = "That amount is too large.")
    @Digits(integer = 13, fraction = 2, message = "At most two decimals.")
    private BigDecimal amount;
    @Size(min = 3, max = 3, message = "A currency is three letters.")
    private String currency;
    @Size(max = 1000, message = "At most 1000 characters.")
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
