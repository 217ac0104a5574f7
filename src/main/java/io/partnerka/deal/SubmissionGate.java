package io.partnerka.deal;

import io.partnerka.conversation.UserError;
import io.partnerka.partner.PartnerView;

/**
 * A condition an approved partner must meet before submitting clients (e.g. the training module's "pass the basic
 * course first"). Implement it as a bean in your module; with none, every approved partner may submit. Checked when
 * the submit flow starts and again when the client is submitted.
 */
public interface SubmissionGate {

    /**
     * Throws a {@link UserError} whose message tells the partner what to do first (e.g. {@code training.required});
     * returns normally to allow.
     */
    void check(PartnerView partner);
}
