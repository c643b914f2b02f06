-- Proactive booking (docs/OUTREACH.md). The change log learns four entities:
-- 'message' (a planned contact: a message through the gateway or a call task,
-- with its attempts and outcome), 'outreach' (the store's contact policy and
-- reminder steps, id = store id), and, for the work that follows, 'waitlist'
-- and 'task'. SQLite cannot alter a CHECK, so the table is rebuilt with every
-- row as it was (as in 0011); the new one is append-only again.
CREATE TABLE change_log_v12 (
  seq             INTEGER PRIMARY KEY CHECK (seq > 0),
  site_id         TEXT NOT NULL,
  hlc             INTEGER NOT NULL,
  entity          TEXT NOT NULL CHECK (entity IN ('customer', 'vehicle', 'booking', 'case',
                                                  'store', 'request', 'message', 'outreach',
                                                  'waitlist', 'task')),
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
INSERT INTO change_log_v12 SELECT seq, site_id, hlc, entity, entity_id, op, fields, staff,
  business_time, recorded_at, schema_version, prev_hash, hash FROM change_log ORDER BY seq;
DROP TABLE change_log;
ALTER TABLE change_log_v12 RENAME TO change_log;
CREATE INDEX change_log_entity ON change_log(entity, entity_id, seq);
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;

-- Every contact planned here or learned from the log, one column per field of
-- its codec (sync/model/message.h), named as the codec names it, so verify
-- compares each with the fold of its log.
CREATE TABLE messages (
  id               TEXT PRIMARY KEY,
  store_id         TEXT NOT NULL,
  customer_id      TEXT NOT NULL,
  booking_id       TEXT,
  step             TEXT NOT NULL,
  purpose          TEXT NOT NULL,
  channel          TEXT NOT NULL,
  idempotency_key  TEXT NOT NULL UNIQUE,
  due_at           TEXT NOT NULL,
  not_after        TEXT,
  text             TEXT NOT NULL,
  planned_at       TEXT NOT NULL,
  status           TEXT NOT NULL,
  reason           TEXT NOT NULL DEFAULT '',
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,
  receipt_id       TEXT,
  sent_at          TEXT,
  outcome          TEXT,
  updated_at       TEXT
);
CREATE INDEX messages_by_status ON messages(status, due_at);
CREATE INDEX messages_by_booking ON messages(booking_id);
CREATE INDEX messages_by_customer ON messages(customer_id, sent_at);

-- The store's contact policy and reminder steps as logged (entity 'outreach').
CREATE TABLE outreach_settings (
  store_id  TEXT PRIMARY KEY,
  fields    TEXT NOT NULL
);
