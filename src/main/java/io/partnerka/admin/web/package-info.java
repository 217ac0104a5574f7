/** Helpers of the admin pages' templates (internal to the admin module). */
package io.partnerka.admin.web;
