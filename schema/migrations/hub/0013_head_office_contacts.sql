-- Head office's own contacts (docs/OUTREACH.md, "Head office's own
-- contacts"): for a store that is offline, head office makes the service-due
-- invitation itself, by a message through the relay or by a call, and tells
-- the store when it can (an "invite" request carrying the outcome).
--
-- An invitation is recorded once, whoever makes it: handled_by 'store' (queued
-- to the store to make, request_seq its request) or 'head_office' (made here;
-- request_seq 0 until the store has been told, outcome what came of it).
ALTER TABLE hub_invitations ADD COLUMN handled_by TEXT NOT NULL DEFAULT 'store'
  CHECK (handled_by IN ('store', 'head_office'));
ALTER TABLE hub_invitations ADD COLUMN outcome TEXT;  -- 'sent', 'booked', 'declined', 'unreachable'
ALTER TABLE hub_invitations ADD COLUMN note TEXT;

-- Head office's own messages, in the message codec of the stores'
-- (sync/model/message.h) under the same idempotency key a store would use,
-- so the relay delivers each once and the store's record of it, once synced
-- back, is the same entity.
CREATE TABLE hub_messages (
  message_id      TEXT PRIMARY KEY,        -- model::MessageIdFor(its idempotency key)
  invitation_key  TEXT NOT NULL UNIQUE,    -- hub_invitations
  site            TEXT NOT NULL,           -- the customer's store
  status          TEXT NOT NULL,           -- model::MessageStatusName, as in fields
  next_at         TEXT NOT NULL,           -- the next moment it may go (UTC text)
  fields          TEXT NOT NULL,           -- model::MessageJson
  request         TEXT NOT NULL            -- the "invite" that tells the store, once sent
) WITHOUT ROWID;
CREATE INDEX hub_messages_next ON hub_messages(next_at) WHERE status IN
  ('planned', 'delayed', 'sending', 'retrying');
