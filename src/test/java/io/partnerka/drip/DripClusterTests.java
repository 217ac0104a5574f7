package io.partnerka.drip;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.partnerka.PartnerkaApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two application instances (two Spring contexts, two clustered Quartz schedulers) on one PostgreSQL: they share the
 * due rows, nobody gets a step or a broadcast twice, nothing is skipped, and when one instance stops in the middle
 * of a broadcast the other finishes it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DripClusterTests {

    private static final Logger log = LoggerFactory.getLogger(DripClusterTests.class);
    private static EmbeddedPostgres postgres;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;
    private static JdbcClient jdbc;

    @BeforeAll
    static void twoInstances() throws IOException {
        postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
        a = instance("node-a");
        b = instance("node-b");
        jdbc = JdbcClient.create(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stop() throws IOException {
        if (a != null && a.isActive()) a.close();
        if (b != null) b.close();
        if (postgres != null) postgres.close();
    }

    private static ConfigurableApplicationContext instance(String name) {
        // command-line arguments: they win over application.yml (builder properties would not)
        return new SpringApplicationBuilder(PartnerkaApplication.class).profiles("test").run(
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.maximum-pool-size=10",
                "--server.port=0",
                "--partnerka.manager-ids=300",
                "--partnerka.telegram.workers=1",
                "--partnerka.drip.quiet-hours.enabled=false",
                "--partnerka.drip.dispatch.every=250ms",
                // short runs of small batches: many firings, shared between the instances
                "--partnerka.drip.dispatch.max-run=40ms",
                "--partnerka.drip.dispatch.batch-size=25",
                "--partnerka.drip.dispatch.max-outbox-backlog=0",
                "--partnerka.drip.broadcast.every=250ms",
                "--partnerka.drip.broadcast.batch-size=25",
                // one cluster = one scheduler name; inside one JVM both instances then share Quartz's data source
                // registry entry (the pool of the instance started last, B): so the failover test stops A
                "--spring.quartz.scheduler-name=partnerka-cluster",
                "--spring.quartz.properties.org.quartz.scheduler.instanceId=" + name,
                "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=5000",
                // a scheduler that found nothing to fire sleeps up to this long (default 30 s: B would miss the test)
                "--spring.quartz.properties.org.quartz.scheduler.idleWaitTime=1000");
    }

    /** {@code n} approved partners whose first onboarding step is due now. */
    private static void partnersDueNow(long firstId, int n) {
        jdbc.sql("""
                        INSERT INTO chat (chat_id, user_id, language, first_name)
                        SELECT g, g, 'ru', 'P' || g FROM generate_series(?::bigint, ?::bigint) g""")
                .params(firstId, firstId + n - 1).update();
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language, decided_at)
                        SELECT g, g, 'APPROVED', 'company', 'P' || g, 'Москва', '+79160000000', 'social', 'company', 'ru', now()
                        FROM generate_series(?::bigint, ?::bigint) g""")
                .params(firstId, firstId + n - 1).update();
    }

    private static double counted(ConfigurableApplicationContext ctx, String name, String... tags) {
        return ctx.getBean(MeterRegistry.class).counter(name, tags).count();
    }

    private static void await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not done within " + timeout + "; triggers: "
                        + jdbc.sql("SELECT trigger_name || ' ' || trigger_state || ' ' || next_fire_time FROM qrtz_triggers").query(String.class).list()
                        + ", instances: " + jdbc.sql("SELECT instance_name FROM qrtz_scheduler_state").query(String.class).list());
            }
            Thread.sleep(200);
        }
    }

    @Test
    @Order(1)
    void twoSchedulersShareTheDueStepsAndNobodyGetsOneTwice() throws InterruptedException {
        int n = 1500;
        partnersDueNow(910_000, n);
        jdbc.sql("""
                        INSERT INTO drip_enrollment (user_id, chat_id, chain_id, occurrence, trigger_name, next_step, due_at, enrolled_at, updated_at)
                        SELECT user_id, chat_id, 'onboarding', 'once', 'approved', 'first-course', now(), now(), now()
                        FROM partner WHERE user_id BETWEEN 910000 AND 919999""").update();

        // the schedulers fire on either instance; besides, each instance's dispatcher is driven from a thread of its
        // own at the same moment, so both certainly claim side by side (who wins a Quartz firing is up to timing)
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> drivers = new ArrayList<>();
        for (ConfigurableApplicationContext instance : List.of(a, b)) {
            Dispatcher dispatcher = instance.getBean(Dispatcher.class);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    while (dispatcher.dispatchBatch(25).claimed() > 0) {
                        // next batch
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            drivers.add(t);
        }
        go.countDown();
        for (Thread t : drivers) t.join(90_000);
        await(() -> jdbc.sql("SELECT count(*) FROM drip_enrollment WHERE next_step = 'first-course'").query(Integer.class)
                .single() == 0, Duration.ofSeconds(90));

        assertThat(jdbc.sql("SELECT count(*) FROM drip_send WHERE outcome = 'SENT' AND step_id = 'first-course'")
                .query(Integer.class).single()).isEqualTo(n);
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id BETWEEN 910000 AND 919999").query(Integer.class).single())
                .as("one message per partner").isEqualTo(n);
        assertThat(jdbc.sql("SELECT count(DISTINCT chat_id) FROM outbox WHERE chat_id BETWEEN 910000 AND 919999")
                .query(Integer.class).single()).isEqualTo(n);
        assertThat(jdbc.sql("SELECT count(*) FROM drip_enrollment WHERE next_step = 'first-client' AND status = 'ACTIVE'")
                .query(Integer.class).single()).as("every enrolment moved on exactly one step").isEqualTo(n);

        double byA = counted(a, "partnerka.drip.steps", "outcome", "sent");
        double byB = counted(b, "partnerka.drip.steps", "outcome", "sent");
        log.info("Due steps sent by instance A: {}, by instance B: {}", byA, byB);
        assertThat(byA + byB).isEqualTo(n);
        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_scheduler_state").query(Integer.class).single())
                .as("both schedulers checked in to the cluster").isEqualTo(2);
        assertThat(byA).as("instance A took part").isPositive();
        assertThat(byB).as("instance B took part").isPositive();
    }

    @Test
    @Order(2)
    void whenOneInstanceStopsInTheMiddleOfABroadcastTheOtherFinishesItAndNobodyGetsItTwice() throws InterruptedException {
        int n = 2000;
        partnersDueNow(920_000, n);
        Broadcasts broadcasts = a.getBean(Broadcasts.class);
        long id = broadcasts.draft(300, new Audience(Audience.Kind.ALL, null), true, "<b>Вебинар</b> в четверг");
        broadcasts.confirm(id, 300);

        await(() -> jdbc.sql("SELECT count(*) FROM drip_broadcast_recipient WHERE broadcast_id = ? AND status <> 'PENDING'")
                .param(id).query(Integer.class).single() > 100, Duration.ofSeconds(60));
        a.close();
        int queuedWhenStopped = jdbc.sql("SELECT count(*) FROM drip_broadcast_recipient WHERE broadcast_id = ? AND status <> 'PENDING'")
                .param(id).query(Integer.class).single();
        log.info("Instance A stopped with {} of the broadcast's recipients queued", queuedWhenStopped);

        await(() -> jdbc.sql("SELECT count(*) FROM drip_broadcast_recipient WHERE broadcast_id = ? AND status = 'PENDING'")
                .param(id).query(Integer.class).single() == 0, Duration.ofSeconds(90));
        int total = jdbc.sql("SELECT total FROM drip_broadcast WHERE id = ?").param(id).query(Integer.class).single();
        assertThat(total).isEqualTo(n + 1500);
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM (SELECT chat_id FROM outbox WHERE payload->>'text' = '<b>Вебинар</b> в четверг'
                                              GROUP BY chat_id HAVING count(*) > 1) twice""")
                .query(Integer.class).single()).as("nobody twice").isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE payload->>'text' = '<b>Вебинар</b> в четверг'")
                .query(Integer.class).single()).as("everybody once").isEqualTo(total);
    }
}
