-- Where this store's change log stands with the hub. Written by the sync
-- process only; the desk reads it for `status` and never waits on it.
CREATE TABLE sync_state (
  singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
  hub_acked_seq  INTEGER NOT NULL DEFAULT 0,   -- everything up to here is committed at the hub
  last_contact   TEXT,                         -- last answer from the hub
  offline_since  TEXT,                         -- first unanswered attempt since then
  last_status    TEXT                          -- the hub's last word ("ok", "held: ...")
);
INSERT INTO sync_state (singleton) VALUES (1);
