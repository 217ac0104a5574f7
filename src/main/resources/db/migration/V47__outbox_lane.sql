-- outbox lanes (issue 14): 0 = a reply to the chat's own action, written while handling that chat's update (the person
-- waits for it); 1 = a notification (cards, drip, broadcasts, anything caused elsewhere). A chat's pending reply goes
-- before its pending notifications, even older ones; each lane keeps its own order; a chat still has one in flight.
ALTER TABLE outbox ADD COLUMN lane SMALLINT NOT NULL DEFAULT 1;
-- the claim's "nothing ahead of it in its chat" test: (lane, id) is the order a chat's open messages go out in
DROP INDEX outbox_open;
CREATE INDEX outbox_open ON outbox (chat_id, lane, id) WHERE status IN ('PENDING', 'SENDING');
