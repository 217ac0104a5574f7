package io.partnerka.referral;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.drip.Drips;
import io.partnerka.money.LedgerLine;
import io.partnerka.partner.ApplicationSubmitted;
import io.partnerka.payout.PayoutTestBase;
import io.partnerka.testing.ChatTester;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The referral program: the link (as text, share button and QR code), attribution when the invited person applies
 * (late, first touch wins, never self, never re-attributed), and the referrer's reward on every commission of the
 * referred partner, once, reversed with it.
 */
class ReferralTests extends PayoutTestBase {

    private static final AtomicLong PEOPLE = new AtomicLong(760_000);
    @Autowired Referrals referrals;
    @Autowired ApplicationEventPublisher events;

    /** A newcomer who opened the bot through {@code payload}, then applied with answers prescoring approves at once. */
    private ChatTester applyAfterStart(String... startPayloads) {
        ChatTester chat = chat(PEOPLE.incrementAndGet(), "Новичок");
        for (String payload : startPayloads) chat.send("/start " + payload).expect("partner.welcome");
        chat.send("/start").press("partner.apply-button").press("apply.type.individual")
                .send("Олег Приглашённый").send("Казань").shareContact(newPhone().substring(1))
                .press("common.skip").press("apply.source.social").expect("apply.confirm")
                .press("common.confirm");
        for (String a : new String[]{"Больше 10", "Да, больше года", "Это ровно наши клиенты", "Это моя основная работа"}) chat.press(a);
        chat.expect("apply.approved");
        return chat;
    }

    @Test
    void theLinkComesAsTextShareButtonAndAScannableQrCode() throws Exception {
        ChatTester ivan = approvedPartner("Иван Рекрутер");
        ivan.send("/referral").expect("referral.info");
        String link = referrals.linkOf(partnerOf(ivan).id());
        assertThat(link).matches("https://t\\.me/[A-Za-z0-9_]+\\?start=ref_[a-z0-9]{8}");
        ivan.expectContaining(link);
        assertThat(ivan.lastText().buttons()).extracting(b -> b[0]).containsExactly(ivan.text("referral.share-button"));
        assertThat(jdbc.sql("SELECT payload::text FROM outbox WHERE id = ?").param(ivan.lastText().id()).query(String.class).single())
                .contains("https://t.me/share/url?url=");
        // a picture in the chat (sendPhoto), not a file to download, with the link in its caption
        assertThat(ivan.last()).noneMatch(s -> "document".equals(s.type()));
        ChatTester.Said qr = ivan.last().stream().filter(s -> "photo".equals(s.type())).findFirst().orElseThrow();
        assertThat(qr.fileName()).isEqualTo("referral-qr.png");
        assertThat(jdbc.sql("SELECT payload->>'caption' FROM outbox WHERE id = ?").param(qr.id()).query(String.class).single())
                .contains(link);
        byte[] png = Base64.getDecoder().decode(jdbc.sql("SELECT payload->>'content' FROM outbox WHERE id = ?").param(qr.id())
                .query(String.class).single());
        var image = ImageIO.read(new ByteArrayInputStream(png));
        String decoded = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)))).getText();
        assertThat(decoded).isEqualTo(link);
        assertThat(jdbc.sql("SELECT count(*) FROM drip_fact WHERE user_id = ? AND name = ?").params(ivan.userId(), Drips.REFERRAL_LINK_OPENED)
                .query(Integer.class).single()).isEqualTo(1);
        // the same code every time
        assertThat(referrals.linkOf(partnerOf(ivan).id())).isEqualTo(link);
    }

    @Test
    void aLateApplicantIsAttributedToTheFirstLinkAndTheReferrerIsTold() {
        ChatTester ivan = approvedPartner("Иван Первый");
        ChatTester other = approvedPartner("Ольга Вторая");
        String ivanCode = "ref_" + referrals.codeOf(partnerOf(ivan).id());
        String otherCode = "ref_" + referrals.codeOf(partnerOf(other).id());
        ivan.poll();

        // first Ivan's link, days later Olga's: the first touch wins, the application comes later still
        ChatTester oleg = applyAfterStart(ivanCode, otherCode);
        long olegId = partnerOf(oleg).id();
        assertThat(referrals.referrerOf(olegId)).contains(partnerOf(ivan).id());
        ivan.poll();
        ivan.expect("referral.partner-approved").expectContaining("Олег Приглашённый");
        assertThat(referrals.stats(partnerOf(ivan).id())).satisfies(s -> {
            assertThat(s.invited()).isEqualTo(1);
            assertThat(s.applied()).isEqualTo(1);
            assertThat(s.approved()).isEqualTo(1);
            assertThat(s.active()).isZero();
        });
        assertThat(referrals.stats(partnerOf(other).id()).applied()).isZero();

        // a later application event (e.g. after a rejection) with another link never re-attributes
        events.publishEvent(new ApplicationSubmitted(olegId, oleg.userId(), otherCode));
        assertThat(referrals.referrerOf(olegId)).contains(partnerOf(ivan).id());
        passTraining(oleg);
        submit(oleg, "Клиент Активный");
        assertThat(referrals.stats(partnerOf(ivan).id()).active()).isEqualTo(1);
    }

    @Test
    void nobodyRefersThemselvesAndUnknownCodesAttributeNobody() {
        ChatTester ivan = approvedPartner("Иван Сам-Себе");
        long ivanId = partnerOf(ivan).id();
        events.publishEvent(new ApplicationSubmitted(ivanId, ivan.userId(), "ref_" + referrals.codeOf(ivanId)));
        assertThat(referrals.referrerOf(ivanId)).isEmpty();

        ChatTester stranger = applyAfterStart("ref_nosuchcd");
        assertThat(referrals.referrerOf(partnerOf(stranger).id())).isEmpty();
    }

    @Test
    void theReferrerEarnsTheirShareOnceAndLosesItWithARefund() {
        ChatTester ivan = approvedPartner("Иван Наставник");
        long ivanId = partnerOf(ivan).id();
        ChatTester oleg = applyAfterStart("ref_" + referrals.codeOf(ivanId));
        passTraining(oleg);
        ivan.poll();

        DealView deal = paidDeal(oleg, "Клиент Реферала", "100000");   // Oleg earns 15 000, Ivan 20 % of it
        deals.change(deal.id(), DealChange.external("crm", "paid", new BigDecimal("100000"), "RUB", null, false)); // repeated
        ivan.poll();
        ivan.expect("referral.reward").expectContaining("3\u00a0000,00\u00a0₽").expectContaining("Олег Приглашённый");
        assertThat(ledger.balance(ivanId, "RUB").available()).isEqualByComparingTo("3000");
        assertThat(ledger.balance(ivanId, "RUB").accrued()).isEqualByComparingTo("3000");
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_entry WHERE partner_id = ? AND type = 'REFERRAL_REWARD'").param(ivanId)
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(referrals.stats(ivanId).earned()).containsEntry("RUB", new BigDecimal("3000.00"));
        assertThat(ledger.balance(partnerOf(oleg).id(), "RUB").available()).isEqualByComparingTo("15000");

        deals.change(deal.id(), DealChange.external("crm", "refunded", null, null, "Возврат", false));
        ivan.poll();
        ivan.expect("referral.reward-reversed");
        assertThat(ledger.balance(ivanId, "RUB").available()).isEqualByComparingTo("0");
        assertThat(ledger.lines(ivanId, 5)).extracting(LedgerLine::type).contains("REFERRAL_REWARD", "REFERRAL_REVERSAL");
        assertThat(referrals.stats(ivanId).earned()).containsEntry("RUB", new BigDecimal("0.00"));
        ivan.send("/balance").expectContaining("реферальное вознаграждение отменено");
    }
}
