-- The change log learns two entities: 'store', the store's settings, slot grid
-- and closed dates (sync/store_calendar.h), logged so head office checks
-- call-centre requests against them and verify compares the tables with them;
-- and 'request', the store's refusal of a head-office request with its reason
-- (id "<store>:<seq>"), so head office learns why.
-- SQLite cannot alter a CHECK, so the table is rebuilt with every row as it
-- was; dropping a table fires no DELETE trigger; the new one is append-only again.
CREATE TABLE change_log_v11 (
  seq             INTEGER PRIMARY KEY CHECK (seq > 0),
  site_id         TEXT NOT NULL,
  hlc             INTEGER NOT NULL,
  entity          TEXT NOT NULL CHECK (entity IN ('customer', 'vehicle', 'booking', 'case',
                                                  'store', 'request')),
  entity_id       TEXT NOT NULL,
  op              TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  fields          TEXT NOT NULL,
  staff           TEXT NOT NULL,
  business_time   TEXT,
  recorded_at     TEXT NOT NULL,
  schema_version  INTEGER NOT NULL,
  prev_hash       BLOB NOT NULL CHECK (length(prev_hash) = 32),
  hash            BLOB NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO change_log_v11 SELECT seq, site_id, hlc, entity, entity_id, op, fields, staff,
  business_time, recorded_at, schema_version, prev_hash, hash FROM change_log ORDER BY seq;
DROP TABLE change_log;
ALTER TABLE change_log_v11 RENAME TO change_log;
CREATE INDEX change_log_entity ON change_log(entity, entity_id, seq);
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
