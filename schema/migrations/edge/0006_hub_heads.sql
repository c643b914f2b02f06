-- Signed heads of the hub's log this store has been sent (sync/hub_log.h):
-- kept so `outpost verify` can prove the hub never rewrote what it accepted.
-- One head is kept per ten minutes (and the newest in sync_state), so the table
-- grows by about 50,000 small rows a year.
CREATE TABLE hub_heads (
  idx          INTEGER PRIMARY KEY,
  head         BLOB NOT NULL CHECK (length(head) = 32),
  signature    BLOB NOT NULL CHECK (length(signature) = 64),
  received_at  TEXT NOT NULL
);
ALTER TABLE sync_state ADD COLUMN latest_head_idx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN latest_head BLOB;
ALTER TABLE sync_state ADD COLUMN latest_head_signature BLOB;
-- Verify has proven the hub's log consistent with every kept head up to here.
ALTER TABLE sync_state ADD COLUMN heads_verified_idx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN heads_verified_head BLOB;
