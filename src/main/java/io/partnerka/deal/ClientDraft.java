package io.partnerka.deal;

/** The submit-client form's answers: phone in E.164, product a catalog id, comment optional. */
record ClientDraft(String name, String phone, String product, String comment) {
}
