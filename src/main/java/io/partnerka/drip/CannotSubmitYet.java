package io.partnerka.drip;

import io.partnerka.training.Training;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * {@code cannot-submit-yet}: the training gate still holds the person back from submitting clients (a mandatory course
 * not passed while {@code partnerka.training.gate} is on). Chains skip "submit a client" for them: its button would
 * only explain the gate.
 */
@Component
class CannotSubmitYet implements DripCondition {

    static final String NAME = "cannot-submit-yet";
    private final Training training;

    CannotSubmitYet(Training training) {
        this.training = training;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean holds(long userId, Instant enrolled) {
        return !training.hasPassedMandatory(userId);
    }
}
