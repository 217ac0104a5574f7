package io.partnerka.admin;

/** A back-office action that cannot be done as asked (a rule, not a bug): shown to the operator, answered 409 by the API. */
class Refused extends RuntimeException {

    Refused(String message) {
        super(message);
    }
}
