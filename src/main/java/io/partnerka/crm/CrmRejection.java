package io.partnerka.crm;

/** A request the CRM endpoints refuse: the HTTP status, a machine-readable code and a reason for people. */
class CrmRejection extends RuntimeException {

    final int status;
    final String error;

    CrmRejection(int status, String error, String reason) {
        super(reason);
        this.status = status;
        this.error = error;
    }
}
