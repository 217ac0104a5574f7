package io.partnerka.drip;

import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every drip test starts from: no drip rows left by another test, and the drip clock fixed at noon today. */
abstract class DripTestBase {

    @Autowired JdbcClient jdbc;
    @Autowired ConversationEngine engine;
    @Autowired Messages messages;
    @Autowired DripClock clock;
    DripFixtures fx;
    Instant noon;

    @BeforeEach
    void startCleanAtNoon() {
        fx = new DripFixtures(jdbc, engine, messages);
        fx.clean();
        noon = DripFixtures.today("12:00");
        clock.fix(noon);
    }
}
