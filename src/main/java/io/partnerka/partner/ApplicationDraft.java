package io.partnerka.partner;

/** The application form's answers. */
record ApplicationDraft(String type, String name, String city, String phone, String email, String source) {
}
