package io.partnerka.deal;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.testing.ChatTester;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The partner submits a client: every wrong input on the way, the confirm screen with edit, duplicates, gates. */
class SubmitClientJourneyTests extends DealsTestBase {

    @org.springframework.beans.factory.annotation.Autowired DealCards cards;

    @Test
    void aPartnerSubmitsAClientInUnderAMinuteAndTheirManagerIsTold() {
        ChatTester maria = manager();
        ChatTester anna = approvedPartner("Анна Петрова");
        assertThat(anna.send("/menu").keyboard()).contains(anna.text("deal.menu.submit"), anna.text("deal.menu.clients"),
                anna.text("deal.menu.stats"));

        anna.send(anna.text("deal.menu.submit")).expect("deal.submit.intro").expect("deal.submit.ask-name")
                .sendSticker().expect("validation.not-text")
                .send("🙂🙂🙂").expect("validation.no-letters")
                .send("И".repeat(5000)).expect("validation.too-long")
                .send("Иван Сидоров").expect("deal.submit.ask-phone");
        // the client's number is asked for: no "share my number" button (it would send the partner's own)
        assertThat(anna.lastText().contactRequest()).isFalse();
        anna.sendSticker().expect("validation.not-text")
                .send("12345").expect("validation.other-phone")
                .send("8 (916) 555-12-34").expect("deal.submit.ask-product")
                .send("Космический корабль").expect("validation.choice")
                .press("Бухгалтерское обслуживание").expect("deal.submit.ask-comment")
                .press("common.skip").expect("deal.submit.confirm").expectContaining("+79165551234")
                .press("common.edit").press("✏️ " + anna.text("deal.submit.field.name")).expect("deal.submit.ask-name")
                .send("Иван Сидоров-Петров").expect("deal.submit.confirm").expectContaining("Иван Сидоров-Петров")
                .press("common.confirm").expect("deal.submit.done");

        DealView deal = jdbc.sql("SELECT id FROM deal WHERE client_phone = '+79165551234'").query(Long.class).optional()
                .flatMap(deals::find).orElseThrow();
        assertThat(deal.clientName()).isEqualTo("Иван Сидоров-Петров");
        assertThat(deal.status()).isEqualTo("new");
        assertThat(deal.product()).isEqualTo("accounting");
        assertThat(deal.comment()).isNull();
        assertThat(deal.partnerId()).isEqualTo(partnerOf(anna).id());

        maria.poll();
        maria.expect("deal.card.manager").expectContaining("Новый клиент").expectContaining("Иван Сидоров-Петров")
                .expectContaining("+79165551234").expectContaining("Анна Петрова");
        assertThat(maria.lastText().buttons()).extracting(b -> b[0])
                .contains("→ " + maria.text("deal.status.in_progress"), "→ " + maria.text("deal.status.paid"),
                        "→ " + maria.text("deal.status.lost"));
        // the card is written from what the submission knows, without reading the deal back: it reads exactly as the
        // card made from the database does (the history line, no commission yet, the partner's rate)
        assertThat(maria.lastText().text()).isEqualTo(cards.managerCard(deal, MANAGER, "deal.manager.new-client").text());
        // the personal manager only: the other manager was not bothered
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload::text LIKE ?")
                .params(OTHER_MANAGER, "%Иван Сидоров-Петров%").query(Integer.class).single()).isZero();
    }

    @Test
    void withoutAPersonalManagerEveryManagerIsTold() {
        ChatTester maria = manager();
        ChatTester oleg = chat(OTHER_MANAGER, "Олег");
        ChatTester anna = approvedPartner("Анна Без Менеджера");
        jdbc.sql("UPDATE partner SET manager_id = NULL WHERE user_id = ?").param(anna.userId()).update();
        submit(anna, "Клиент Для Всех");
        maria.poll();
        maria.expect("deal.card.manager").expectContaining("Клиент Для Всех");
        oleg.poll();
        oleg.expect("deal.card.manager").expectContaining("Клиент Для Всех");
    }

    @Test
    void anotherPartnersClientIsRefusedWithoutRevealingAnythingAndTheSamePartnerSeesTheirClient() {
        ChatTester anna = approvedPartner("Анна Первая");
        ChatTester boris = approvedPartner("Борис Второй");
        String phone = newPhone();
        DealView first = submit(anna, "Ольга Клиентова", phone, "legal");

        String typedDifferently = "8 " + phone.substring(2, 5) + " " + phone.substring(5);
        // refused at the phone step, not after the whole form; the step asks again
        boris.send("/client").send("Ольга К.").send(typedDifferently).expect("deal.duplicate").expect("deal.submit.ask-phone");
        assertThat(boris.last()).noneSatisfy(s -> assertThat(s.text()).contains("Анна"));
        // the final check stays (a race between the phone step and the confirm): the draft reaches it with the number
        jdbc.sql("UPDATE deal SET submitted_at = now() - interval '91 days' WHERE id = ?").param(first.id()).update();
        boris.send(typedDifferently).expect("deal.submit.ask-product");
        jdbc.sql("UPDATE deal SET submitted_at = now() WHERE id = ?").param(first.id()).update();
        boris.press("Консультация").press("common.skip").press("common.confirm").expect("deal.duplicate");
        assertThat(jdbc.sql("SELECT count(*) FROM deal WHERE client_phone = ?").param(phone).query(Integer.class).single()).isEqualTo(1);

        anna.send("/client").send("Ольга Клиентова").send(phone).press("Консультация").press("common.skip")
                .press("common.confirm").expect("deal.submit.already-yours").expect("deal.card.partner")
                .expectContaining("#" + first.id());
        assertThat(jdbc.sql("SELECT count(*) FROM deal WHERE client_phone = ?").param(phone).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void theClientsPhoneIsTypedOrAttachedAndThePartnersOwnNumberIsQuestioned() {
        ChatTester anna = approvedPartner("Анна Контактная");
        String own = jdbc.sql("SELECT phone FROM partner WHERE user_id = ?").param(anna.userId()).query(String.class).single();
        anna.send("/client").send("Пётр Клиентов").expect("deal.submit.ask-phone")
                // a slip: the partner's own card (as "share my number" would send it) is questioned, not taken
                .attachContact(own.substring(1), anna.userId()).expect("validation.own-contact").expect("deal.submit.ask-phone")
                // the own number typed is questioned too
                .send(own).expect("deal.submit.own-phone").expect("deal.submit.ask-phone");
        // the client's card from the phone book (📎 → Contact) is taken
        String client = newPhone();
        anna.attachContact(client.substring(1), null).expect("deal.submit.ask-product")
                .press("Консультация").press("common.skip").expect("deal.submit.confirm").expectContaining(client)
                .press("common.confirm").expect("deal.submit.done");
        assertThat(jdbc.sql("SELECT count(*) FROM deal WHERE client_phone = ?").param(own).query(Integer.class).single()).isZero();
    }

    @Test
    void afterTheAttributionWindowTheClientMayBeSubmittedAgain() {
        ChatTester anna = approvedPartner("Анна");
        ChatTester boris = approvedPartner("Борис");
        String phone = newPhone();
        DealView old = submit(anna, "Давний Клиент", phone, "legal");
        jdbc.sql("UPDATE deal SET submitted_at = now() - interval '91 days' WHERE id = ?").param(old.id()).update();

        DealView fresh = submit(boris, "Давний Клиент", phone, "legal");
        assertThat(fresh.id()).isNotEqualTo(old.id());
        assertThat(fresh.partnerId()).isEqualTo(partnerOf(boris).id());
    }

    @Test
    void twoPartnersRacingWithTheSameClientCannotBothWin() throws Exception {
        List<ChatTester> racers = List.of(approvedPartner("Гонщик 1"), approvedPartner("Гонщик 2"),
                approvedPartner("Гонщик 3"), approvedPartner("Гонщик 4"));
        String phone = newPhone();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers.size());
        List<java.util.concurrent.Future<?>> results = new java.util.ArrayList<>();
        for (ChatTester racer : racers) {
            results.add(pool.submit(() -> {
                start.await();
                return submit(racer, "Общий Клиент", phone, "legal");
            }));
        }
        start.countDown();
        int won = 0;
        for (var f : results) {
            try {
                f.get();
                won++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(io.partnerka.conversation.UserError.class).hasMessage("deal.duplicate");
            }
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM deal WHERE client_phone = ?").param(phone).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void onlyApprovedAndTrainedPartnersMaySubmitAndAnyGateCanHoldThemBack() {
        ChatTester stranger = chat(690_001, "Незнакомец");
        stranger.send("/client").expect("partner.not-a-partner");
        assertThat(stranger.keyboard()).doesNotContain(stranger.text("deal.menu.submit"));

        ChatTester pending = personWithStatus("PENDING_REVIEW");
        pending.send("/client").expect("partner.not-approved-yet");
        pending.send("/clients").expect("partner.not-approved-yet");
        pending.send("/stats").expect("partner.not-approved-yet");

        ChatTester trainee = untrainedPartner("Стажёр");
        trainee.send(trainee.text("deal.menu.submit")).expect("training.gate.blocked").expectNo("deal.submit.ask-name");
        assertThat(trainee.last()).flatExtracting(ChatTester.Said::buttons).extracting(b -> b[0])
                .anyMatch(label -> label.startsWith("🎓"));
        passTraining(trainee);
        trainee.send("/client").expect("deal.submit.ask-name");

        ChatTester anna = approvedPartner("Анна");
        gateClosed = true;
        anna.send("/client").expect("apply.blocked").expectNo("deal.submit.ask-name");
        gateClosed = false;
        anna.send("/client").expect("deal.submit.ask-name");
    }

    @Test
    void englishSpeakingPartnersReadTheCatalogInEnglish() {
        ChatTester john = approvedPartner("John Smith").inEnglish();
        john.send("/client").expect("deal.submit.ask-name").send("Jane Doe").send("+44 20 7946 0958")
                .expect("deal.submit.ask-product");
        assertThat(john.lastText().buttons()).extracting(b -> b[0]).contains("Accounting services", "Legal support");
        john.press("Legal support").send("Call after 5 pm").expect("deal.submit.confirm").expectContaining("Legal support")
                .press("common.confirm").expect("deal.submit.done");
    }
}
