-- Requests made at head office for a store (call-centre bookings), delivered on
-- the hub's acks until the store reports them applied. Append-only per store.
CREATE TABLE hub_outbox (
  site_id      TEXT NOT NULL REFERENCES stores(site_id),
  seq          INTEGER NOT NULL CHECK (seq > 0),   -- gapless per store
  request      TEXT NOT NULL,                      -- JSON booking request
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  PRIMARY KEY (site_id, seq)
) WITHOUT ROWID;

-- How far each store has applied the outbox (reported in its hellos and batches).
ALTER TABLE store_cursors ADD COLUMN applied_push_seq INTEGER NOT NULL DEFAULT 0;
