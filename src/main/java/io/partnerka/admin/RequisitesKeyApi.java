package io.partnerka.admin;

import io.partnerka.approval.AuditLog;
import io.partnerka.requisites.Requisites;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** ADMIN only: the requisites key rotation (README, "Rotating the requisites key"). */
@RestController
@Tag(name = "Partnerka back office")
@SecurityRequirement(name = "token")
class RequisitesKeyApi {

    private final Requisites requisites;
    private final AuditLog audit;
    private final AdminAccounts accounts;

    RequisitesKeyApi(Requisites requisites, AuditLog audit, AdminAccounts accounts) {
        this.requisites = requisites;
        this.audit = audit;
        this.accounts = accounts;
    }

    @PostMapping("/api/v1/requisites/reseal")
    @Operation(summary = "Re-seal every stored account number and requisites draft with the current key (ADMIN; "
            + "idempotent, safe while the app serves); remainingOnOtherKeys 0 means the old keys may be dropped")
    Requisites.Resealed reseal(Authentication auth) {
        Requisites.Resealed r = requisites.resealAll();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("keyId", r.keyId());
        after.put("resealed", r.resealed());
        after.put("draftsResealed", r.draftsResealed());
        after.put("unreadable", r.unreadable());
        after.put("remainingOnOtherKeys", r.remainingOnOtherKeys());
        after.put("legacyKeyDropped", r.legacyKeyDropped());
        audit.record(WebAdvice.operatorOf(auth, accounts).decider(), "requisites.resealed", "requisites-key#" + r.keyId(),
                null, after);
        return r;
    }
}
