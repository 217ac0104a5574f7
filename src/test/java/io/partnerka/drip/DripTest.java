package io.partnerka.drip;

import io.partnerka.PartnerkaTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * The drip tests' shared application context: the scheduler does not start (tests run the jobs themselves, on the
 * controllable clock), manager 300 besides the sandbox's 100, no outbox back-pressure (no sender runs in tests).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@PartnerkaTest
@TestPropertySource(properties = {"spring.quartz.auto-startup=false", "partnerka.manager-ids=300",
        "partnerka.drip.dispatch.max-outbox-backlog=0"})
@interface DripTest {
}
