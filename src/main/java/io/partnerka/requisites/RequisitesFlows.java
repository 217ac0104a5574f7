package io.partnerka.requisites;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import io.partnerka.conversation.Input.Option;
import io.partnerka.conversation.UserError;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The requisites forms: first the method, then one form per method (bank transfer, card, other). The account is
 * sealed by {@link Vault} the moment it is typed, so even the half-filled draft never holds it in plain text, and
 * the confirm screen shows it masked.
 */
@Configuration(proxyBeanMethods = false)
class RequisitesFlows {

    static final String START = "requisites";
    private final Requisites requisites;
    private final Partners partners;
    private final Vault vault;
    private final List<String> currencies;

    RequisitesFlows(Requisites requisites, Partners partners, Vault vault,
                    @Value("${partnerka.deal.currencies:RUB,USD,EUR}") List<String> currencies) {
        this.requisites = requisites;
        this.partners = partners;
        this.vault = vault;
        this.currencies = currencies.stream().map(String::strip).filter(c -> !c.isEmpty()).toList();
    }

    /** Only an approved partner with no version waiting may start a change; the refusal says why. */
    boolean mayChange(ChatContext ctx) {
        PartnerView p = partners.approvedPartner(ctx.userId());
        if (requisites.pending(p.id()).isPresent()) throw new UserError("requisites.already-pending");
        return true;
    }

    @Bean
    Flow requisitesMethodFlow() {
        return () -> FlowDefinition.of(START, RequisitesDraft.class)
                .guard(this::mayChange)
                .ask("method", "requisites.ask-method", Input.choice(List.of(
                        Option.of("bank", "requisites.method.bank"),
                        Option.of("card", "requisites.method.card"),
                        Option.of("other", "requisites.method.other"))))
                .complete((ctx, d) -> ctx.startFlow(START + "." + d.method(), Map.of("method", d.method())));
    }

    @Bean
    Flow requisitesBankFlow() {
        return () -> FlowDefinition.of(START + ".bank", RequisitesDraft.class)
                .ask("account", "requisites.ask-account", sealed("requisites.bad-account", Checks::account, "bank"))
                .ask("bankCode", "requisites.ask-bank-code", Input.checked(6, 20, "requisites.bad-bank-code", Checks::bankCode, s -> s))
                .ask("legalName", "requisites.ask-legal-name", Input.text(3, 200))
                .ask("taxId", "requisites.ask-tax-id", Input.checked(10, 14, "requisites.bad-tax-id", Checks::inn, s -> s))
                .ask("currency", "requisites.ask-currency", currency())
                .confirm("requisites.confirm-bank", this::submit);
    }

    @Bean
    Flow requisitesCardFlow() {
        return () -> FlowDefinition.of(START + ".card", RequisitesDraft.class)
                .ask("account", "requisites.ask-card", sealed("requisites.bad-card", Checks::card, "card"))
                .ask("legalName", "requisites.ask-legal-name", Input.text(3, 200))
                .ask("taxId", "requisites.ask-tax-id-optional",
                        Input.checked(10, 14, "requisites.bad-tax-id", Checks::inn, s -> s).optional())
                .ask("currency", "requisites.ask-currency", currency())
                .confirm("requisites.confirm-card", this::submit);
    }

    @Bean
    Flow requisitesOtherFlow() {
        return () -> FlowDefinition.of(START + ".other", RequisitesDraft.class)
                .ask("account", "requisites.ask-email", sealed("requisites.bad-email", Checks::email, "other"))
                .ask("legalName", "requisites.ask-legal-name", Input.text(3, 200))
                .ask("taxId", "requisites.ask-tax-id-optional",
                        Input.checked(10, 14, "requisites.bad-tax-id", Checks::inn, s -> s).optional())
                .ask("currency", "requisites.ask-currency", currency())
                .confirm("requisites.confirm-other", this::submit);
    }

    private void submit(ChatContext ctx, RequisitesDraft draft) {
        RequisitesView v = requisites.submit(ctx.userId(), draft);
        ctx.say("requisites.submitted", "account", v.maskedAccount(), "version", v.version());
        ctx.showMenu("common.menu");
    }

    /** Checked, then sealed at once; shown masked. */
    private Input sealed(String errorKey, Function<String, String> check, String method) {
        return Input.checked(3, 80, errorKey, raw -> {
            String ok = check.apply(raw);
            return ok == null ? null : vault.encrypt(ok);
        }, stored -> Checks.mask(method, vault.decrypt(stored)));
    }

    private Input currency() {
        return Input.choice(currencies.stream().map(c -> Option.literal(c, c)).toList());
    }
}
