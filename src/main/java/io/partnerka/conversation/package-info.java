/**
 * The transport-agnostic conversation engine: inbound events, replies, flows with per-chat state in PostgreSQL,
 * signed inline buttons, the message catalog and the outbox every reply goes through (the answer to a button press excepted:
 * {@link io.partnerka.conversation.CallbackAnswers}, after the commit).
 */
package io.partnerka.conversation;
