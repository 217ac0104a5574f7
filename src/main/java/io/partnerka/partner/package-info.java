/** Partners, their applications and personal managers: the form, the prescoring outcome, a manager's decision. */
package io.partnerka.partner;
