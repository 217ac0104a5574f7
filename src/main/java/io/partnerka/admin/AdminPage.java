package io.partnerka.admin;

/** Marks the controllers of the web pages (their model attributes and error pages come from {@link WebAdvice}). */
interface AdminPage {
}
