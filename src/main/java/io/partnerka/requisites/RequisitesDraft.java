package io.partnerka.requisites;

/** What the requisites forms collect; {@code account} arrives sealed by {@link Vault}, never in plain text. */
record RequisitesDraft(String method, String account, String bankCode, String legalName, String taxId, String currency) {
}
