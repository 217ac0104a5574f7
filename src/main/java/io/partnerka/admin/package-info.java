/**
 * The back office: a web app at {@code /admin} (form login, Thymeleaf pages with htmx, Chart.js and Pico CSS) and a
 * token-authenticated JSON API at {@code /api/v1}. It decides and changes things only through the services the bot
 * uses ({@link io.partnerka.approval.Approvals}, {@link io.partnerka.deal.Deals}), so both stay one program.
 */
package io.partnerka.admin;
