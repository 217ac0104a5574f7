package io.partnerka.deal;

import io.partnerka.conversation.UserError;
import io.partnerka.partner.PartnerView;
import org.springframework.boot.test.context.TestConfiguration;

/** A {@link SubmissionGate} as a training module would add one; closed while {@link DealsTestBase#gateClosed}. */
@TestConfiguration(proxyBeanMethods = false)
class SwitchableGate implements SubmissionGate {

    @Override
    public void check(PartnerView partner) {
        if (DealsTestBase.gateClosed) throw new UserError("apply.blocked");
    }
}
