-- The store's change log: every mutation, written in the same transaction as the
-- data, gapless per site, BLAKE2b hash-chained (see docs/PROTOCOL.md). It is what
-- the store sends to the hub, and the audit trail. Append-only.
CREATE TABLE change_log (
  seq             INTEGER PRIMARY KEY CHECK (seq > 0),
  site_id         TEXT NOT NULL,
  hlc             INTEGER NOT NULL,            -- hybrid logical clock (sync/hlc.h)
  entity          TEXT NOT NULL CHECK (entity IN ('customer', 'vehicle', 'booking')),
  entity_id       TEXT NOT NULL,
  op              TEXT NOT NULL CHECK (op IN ('insert', 'update')),
  fields          TEXT NOT NULL,               -- JSON object: changed fields, new values
  staff           TEXT NOT NULL,
  business_time   TEXT,                        -- when it happened in the world
  recorded_at     TEXT NOT NULL,               -- system time written here
  schema_version  INTEGER NOT NULL,
  prev_hash       BLOB NOT NULL CHECK (length(prev_hash) = 32),
  hash            BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX change_log_entity ON change_log(entity, entity_id, seq);

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
