-- The unified profiles of this store's customers as head office last sent them
-- (hub/profiles.h, edge/profiles.h): their records, vehicles, bookings and
-- consent at other stores, so the desk knows them while cut off. A copy of the
-- hub's view, not this store's own data: not in the change log, replaced
-- whole by each newer version, and sent again if lost.
CREATE TABLE unified_profiles (
  unified_id   TEXT PRIMARY KEY,
  hub_seq      INTEGER NOT NULL,
  profile      TEXT NOT NULL,          -- JSON
  received_at  TEXT NOT NULL
);
-- Which unified customer each of this store's customer records belongs to.
CREATE TABLE customer_unified (
  customer_id  TEXT PRIMARY KEY,
  unified_id   TEXT NOT NULL
);
CREATE INDEX customer_unified_unified ON customer_unified(unified_id);
-- The newest profile version this store holds (told to the hub on every round).
ALTER TABLE sync_state ADD COLUMN profile_seq INTEGER NOT NULL DEFAULT 0;
-- The hub this store syncs with, recorded by `sync`, so the desk can ask it
-- about walk-ins (`customer lookup`). File paths only, never keys.
ALTER TABLE sync_state ADD COLUMN hub_endpoint TEXT;
ALTER TABLE sync_state ADD COLUMN hub_key_file TEXT;
ALTER TABLE sync_state ADD COLUMN key_file TEXT;
