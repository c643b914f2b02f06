-- Unified profiles sent to the stores (hub/profiles.h): each store receives
-- the profile of every unified customer that has a record at that store, and
-- a new version whenever it changes. Per store each version gets the next seq
-- (only the newest version of a profile is kept); the store says how far it
-- holds them, like the outbox.
CREATE TABLE store_profiles (
  site_id     TEXT NOT NULL REFERENCES stores(site_id),
  unified_id  TEXT NOT NULL,
  seq         INTEGER NOT NULL CHECK (seq > 0),
  digest      BLOB,                  -- BLAKE2b of the profile sent; NULL when withdrawn
  profile     TEXT,                  -- JSON; NULL: withdrawn (no record of it at the store)
  PRIMARY KEY (site_id, unified_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX store_profiles_seq ON store_profiles(site_id, seq);
CREATE INDEX store_profiles_unified ON store_profiles(unified_id);

ALTER TABLE store_cursors ADD COLUMN profile_seq INTEGER NOT NULL DEFAULT 0;          -- newest given out
ALTER TABLE store_cursors ADD COLUMN applied_profile_seq INTEGER NOT NULL DEFAULT 0;  -- the store holds
ALTER TABLE store_cursors ADD COLUMN profiled_seq INTEGER NOT NULL DEFAULT 0;         -- changes indexed

-- Unified customers whose profiles must be rebuilt: written by identity
-- resolution when links or redirects move and by IndexChanges for customers
-- whose records, vehicles or bookings changed; emptied by the profile refresh.
CREATE TABLE profile_dirty (
  unified_id  TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Which customer record each vehicle and booking belongs to (the unified view
-- and the profiles), kept up to date behind ingest from the applied changes
-- after store_cursors.profiled_seq, not in ingest's transaction: the hot path
-- pays nothing for it (hub/identity.h IndexChanges).
CREATE TABLE customer_children (
  entity       TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  customer_id  TEXT NOT NULL,
  PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;
CREATE INDEX customer_children_customer ON customer_children(customer_id);

-- Every walk-in look-up a store made: who asked, when, and how many customers
-- it found. The phone is kept only as a keyed hash (personal data minimised).
CREATE TABLE lookup_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  site_id     TEXT NOT NULL,
  staff       TEXT NOT NULL,
  phone_hash  TEXT NOT NULL,
  found       INTEGER NOT NULL
);

-- Possible duplicates a person looked at and kept apart: never proposed again.
CREATE TABLE identity_dismissals (
  record_a  TEXT NOT NULL,
  record_b  TEXT NOT NULL,
  staff     TEXT NOT NULL,
  note      TEXT NOT NULL,
  at        TEXT NOT NULL,
  PRIMARY KEY (record_a, record_b)
) WITHOUT ROWID;
