package io.partnerka.requisites;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.payout.PayoutTestBase;
import io.partnerka.testing.ChatTester;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Payout details: every kind of bad input is refused at its step, full numbers are never echoed or stored in plain
 * text, the first version and every change wait for a manager who sees the differences, payouts use the newest
 * approved version.
 */
class RequisitesTests extends PayoutTestBase {

    @Autowired Requisites requisites;

    @Test
    void checksumsCatchTyposAndMasksHideNumbers() {
        assertThat(Checks.card("4111 1111 1111 1111")).isEqualTo("4111111111111111");
        assertThat(Checks.card("4111 1111 1111 1112")).isNull();
        assertThat(Checks.card("1234")).isNull();
        assertThat(Checks.inn("7707083893")).isEqualTo("7707083893");
        assertThat(Checks.inn("7707083894")).isNull();
        assertThat(Checks.inn("500100732259")).isEqualTo("500100732259");
        assertThat(Checks.inn("500100732258")).isNull();
        assertThat(Checks.account("DE89 3704 0044 0532 0130 00")).isEqualTo("DE89370400440532013000");
        assertThat(Checks.account("DE89 3704 0044 0532 0130 01")).isNull();
        assertThat(Checks.account("40817810438000012345")).isEqualTo("40817810438000012345");
        assertThat(Checks.accountFitsBank("40817810438000012345", "044525225")).isTrue();
        assertThat(Checks.accountFitsBank("40817810038000012345", "044525225")).isFalse();
        assertThat(Checks.bankCode("sabrrumm")).isEqualTo("SABRRUMM");
        assertThat(Checks.bankCode("12345")).isNull();
        assertThat(Checks.mask("card", "4111111111111111")).isEqualTo("•••• 1111");
        assertThat(Checks.mask("bank", "DE89370400440532013000")).isEqualTo("DE89 •••• 3000");
        assertThat(Checks.mask("other", "ivan@pay.example")).isEqualTo("i•••@pay.example");
    }

    @Test
    void aCardIsCheckedMaskedAndApprovedThenAChangeShowsTheManagerWhatDiffers() {
        ChatTester maria = manager();
        ChatTester anna = approvedPartner("Анна Реквизитова");
        anna.send("/requisites").expect("requisites.none")
                .press("requisites.set-button").expect("requisites.ask-method")
                .press("requisites.method.card").expect("requisites.ask-card")
                .send("4111 1111 1111 1112").expect("requisites.bad-card")
                .sendSticker().expect("validation.not-text")
                .send("4".repeat(5000)).expect("validation.too-long")
                .send(CARD).expect("requisites.ask-legal-name")
                .send("Анна Реквизитова").expect("requisites.ask-tax-id-optional")
                .send("7707083894").expect("requisites.bad-tax-id")
                .send("500100732259").expect("requisites.ask-currency")
                .press("RUB").expect("requisites.confirm-card").expectContaining("•••• 1111")
                .press("common.confirm").expect("requisites.submitted");
        long partnerId = partnerOf(anna).id();
        assertThat(requisites.pending(partnerId)).get().satisfies(v -> {
            assertThat(v.maskedAccount()).isEqualTo("•••• 1111");
            assertThat(v.taxId()).isEqualTo("500100732259");
        });
        assertThat(requisites.approved(partnerId)).isEmpty();
        // a second change waits until the first is decided
        anna.send("/requisites").expectContaining("Ждут одобрения менеджера");
        assertThat(anna.lastText().buttons()).isEmpty();

        maria.poll();
        maria.expect("approval.card").expectContaining("Первые реквизиты").expectContaining("•••• 1111");
        maria.press("approval.approve").expect("approval.done-approved-text");
        anna.poll();
        anna.expect("requisites.approved");
        assertThat(requisites.approved(partnerId)).get().extracting(RequisitesView::version).isEqualTo(1);

        // the change: a bank transfer; wrong IBAN, wrong bank code, wrong INN refused at their steps
        anna.send("/requisites").expect("requisites.current").press("requisites.change-button")
                .press("requisites.method.bank").expect("requisites.ask-account")
                .send("DE89 3704 0044 0532 0130 01").expect("requisites.bad-account")
                .send("40817810038000012345").expect("requisites.ask-bank-code")
                .send("12345678").expect("requisites.bad-bank-code")
                .send("044525225").expect("requisites.ask-legal-name")
                .send("Анна Реквизитова").expect("requisites.ask-tax-id")
                .send("1234567890").expect("requisites.bad-tax-id")
                .send("500100732259").expect("requisites.ask-currency")
                .press("RUB").expect("requisites.confirm-bank").expectContaining("4081 •••• 2345")
                // the account does not fit the BIC's control key: refused, the form stays on its confirm screen
                .press("common.confirm").expect("requisites.account-bank-mismatch");
        anna.press("common.edit").press("✏️ " + anna.text("requisites.bank.field.account"))
                .expect("requisites.ask-account").send("40817810438000012345").expect("requisites.confirm-bank")
                .press("common.confirm").expect("requisites.submitted");

        maria.poll();
        maria.expect("approval.card").expectContaining("Изменение реквизитов")
                .expectContaining("✏️ <b>Счёт: 4081 •••• 2345</b> (было: •••• 1111)")
                .expectContaining("✏️ <b>Способ: 🏦 Банковский перевод</b>")
                .expectContaining("Получатель: Анна Реквизитова")
                .expectContaining("ИНН: 500100732259");
        // until approved, payouts still use version 1
        assertThat(requisites.approved(partnerId)).get().extracting(RequisitesView::method).isEqualTo("card");
        maria.press("approval.approve").expect("approval.done-approved-text");
        assertThat(requisites.approved(partnerId)).get().satisfies(v -> {
            assertThat(v.version()).isEqualTo(2);
            assertThat(v.method()).isEqualTo("bank");
            assertThat(v.bankCode()).isEqualTo("044525225");
        });

        // full numbers are nowhere in plain text: not in what the bot said, not in the table, not in drafts
        String full = "4111111111111111";
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE payload::text LIKE ? OR payload::text LIKE ?")
                .params("%" + full + "%", "%40817810438000012345%").query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM requisites WHERE account_cipher LIKE ? OR account_cipher LIKE ?")
                .params("%" + full + "%", "%40817810438000012345%").query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM chat WHERE draft::text LIKE ?").param("%" + full + "%")
                .query(Integer.class).single()).isZero();
    }

    @Test
    void aRejectedChangeKeepsTheApprovedVersionAndThePartnerReadsWhy() {
        ChatTester maria = manager();
        ChatTester boris = approvedPartner("Борис Отказов");
        approvedRequisites(boris, "Борис Отказов");
        boris.poll();
        boris.send("/requisites").press("requisites.change-button").press("requisites.method.other")
                .send("not an email").expect("requisites.bad-email")
                .send("Boris@Pay.Example").expect("requisites.ask-legal-name")
                .send("Борис Отказов").press("common.skip").press("RUB")
                .expect("requisites.confirm-other").expectContaining("b•••@pay.example")
                .press("common.confirm").expect("requisites.submitted");
        maria.poll();
        maria.press("approval.reject").expect("approval.ask-reason").send("Не ваш e-mail").expect("approval.done-rejected-text");
        boris.poll();
        boris.expect("requisites.rejected").expectContaining("Не ваш e-mail");
        assertThat(requisites.approved(partnerOf(boris).id())).get().extracting(RequisitesView::method).isEqualTo("card");
    }

    @Test
    void onlyApprovedPartnersHaveRequisites() {
        chat(991_001, "Гость").send("/requisites").expect("partner.not-a-partner");
        personWithStatus("PENDING_REVIEW").send("/requisites").expect("partner.not-approved-yet");
    }
}
