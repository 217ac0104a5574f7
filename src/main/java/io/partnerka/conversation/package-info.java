/**
 * The transport-agnostic conversation engine: inbound events, replies, flows with per-chat state in PostgreSQL,
 * signed inline buttons, the message catalog and the outbox every reply goes through.
 */
package io.partnerka.conversation;
