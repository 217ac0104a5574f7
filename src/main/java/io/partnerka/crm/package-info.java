/**
 * CRM integration. In: signed deal events ({@code POST /api/crm/deals/events}) and Bitrix24's outbound webhook
 * ({@code POST /api/crm/bitrix24/events}). Out: durable signed webhooks (lead.submitted, deal.status_changed,
 * partner.approved; other modules add theirs with {@link io.partnerka.crm.CrmWebhooks#publish}) and Bitrix24 leads
 * via {@code crm.lead.add}, sent by a scheduled sender with retries and backoff that survive restarts.
 */
package io.partnerka.crm;
