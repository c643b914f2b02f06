-- The hub's own log (sync/hub_log.h, docs/AUDIT.md): every accepted batch is
-- chained into a head the hub signs; stores keep the heads they are sent, so
-- the hub can prove it only ever appended. Rows accepted before this migration
-- are chained when the hub next opens the database.
ALTER TABLE batch_archive ADD COLUMN envelope_hash BLOB;
ALTER TABLE batch_archive ADD COLUMN head BLOB;
ALTER TABLE batch_archive ADD COLUMN head_signature BLOB;

-- Every key a store has signed with, so batches archived before a key rotation
-- still verify against the key that signed them.
CREATE TABLE store_key_history (
  site_id   TEXT NOT NULL,
  key_id    TEXT NOT NULL,
  sign_pk   BLOB NOT NULL CHECK (length(sign_pk) = 32),
  kx_pk     BLOB NOT NULL CHECK (length(kx_pk) = 32),
  added_at  TEXT NOT NULL,
  PRIMARY KEY (site_id, key_id)
) WITHOUT ROWID;
INSERT INTO store_key_history SELECT site_id, key_id, sign_pk, kx_pk, added_at FROM stores;

-- When each store was in contact: one row per unbroken stretch (messages less
-- than 5 s apart). The gaps are the offline windows of the recovery report.
CREATE TABLE store_contacts (
  site_id   TEXT NOT NULL,
  from_at   TEXT NOT NULL,
  to_at     TEXT NOT NULL,
  PRIMARY KEY (site_id, from_at)
) WITHOUT ROWID;
