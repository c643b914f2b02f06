-- The change log learns the entity 'case' (and the op 'delete', for tombstones):
-- SQLite cannot alter a CHECK, so the table is rebuilt with every row as it was.
-- Dropping a table fires no DELETE trigger; the new one is append-only again.
CREATE TABLE change_log_v5 (
  seq             INTEGER PRIMARY KEY CHECK (seq > 0),
  site_id         TEXT NOT NULL,
  hlc             INTEGER NOT NULL,
  entity          TEXT NOT NULL CHECK (entity IN ('customer', 'vehicle', 'booking', 'case')),
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
INSERT INTO change_log_v5 SELECT seq, site_id, hlc, entity, entity_id, op, fields, staff,
  business_time, recorded_at, schema_version, prev_hash, hash FROM change_log ORDER BY seq;
DROP TABLE change_log;
ALTER TABLE change_log_v5 RENAME TO change_log;
CREATE INDEX change_log_entity ON change_log(entity, entity_id, seq);
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;

-- Bookings made away from the desk (call centre, paper forms) were already
-- promised to the customer, so a full slot or a duplicate does not refuse them:
-- the booking is kept, and a conflict case tells staff whom to call.

-- A booking that lost its place in an over-full slot: it still exists, holds no
-- place, and waits for staff to reschedule or cancel it (or keep it on purpose).
ALTER TABLE bookings ADD COLUMN needs_reschedule INTEGER NOT NULL DEFAULT 0
  CHECK (needs_reschedule IN (0, 1));
-- Where a paper booking came from: the pre-printed form id and the import batch.
ALTER TABLE bookings ADD COLUMN form_id TEXT;
ALTER TABLE bookings ADD COLUMN import_batch TEXT;
CREATE UNIQUE INDEX bookings_form_id ON bookings(form_id) WHERE form_id IS NOT NULL;
-- A vehicle's (or customer's) bookings of a day: the duplicate checks.
CREATE INDEX bookings_vehicle_day ON bookings(vehicle_id, slot_date) WHERE vehicle_id IS NOT NULL;
CREATE INDEX bookings_customer_day ON bookings(customer_id, slot_date);

-- Conflicts for a person: opened by the system, closed by staff with a note.
CREATE TABLE conflict_cases (
  id            TEXT PRIMARY KEY,
  ref           TEXT NOT NULL UNIQUE,        -- 'C-YYMMDD-N': what staff say and type
  store_id      TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('over-capacity', 'duplicate-booking',
                  'contradicting-status')),
  slot_date     TEXT,
  slot_time     TEXT,
  booking_ids   TEXT NOT NULL,               -- JSON array: every booking the case is about
  contacts      TEXT NOT NULL,               -- JSON array: {customer_id, name, phone, booking_ref, why}
  summary       TEXT NOT NULL,
  source        TEXT NOT NULL,               -- what raised it: 'paper import ...', 'call-centre request 7'
  opened_at     TEXT NOT NULL,
  opened_by     TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  resolved_at   TEXT,
  resolved_by   TEXT,
  resolution    TEXT,
  CHECK (status != 'resolved' OR length(resolution) > 0)
);
CREATE INDEX conflict_cases_open ON conflict_cases(status, opened_at);

CREATE TABLE case_ref_counters (
  day   TEXT PRIMARY KEY,
  last  INTEGER NOT NULL
);

-- Every transcribed paper form that came in, by its pre-printed id: a form is
-- imported once, however often its file is imported.
CREATE TABLE paper_forms (
  form_id       TEXT PRIMARY KEY,
  import_batch  TEXT NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('booked', 'duplicate')),
  booking_id    TEXT NOT NULL REFERENCES bookings(id),
  imported_at   TEXT NOT NULL
);

-- One row per committed import: who imported which file, and what came of it.
CREATE TABLE paper_imports (
  id            TEXT PRIMARY KEY,
  file_name     TEXT NOT NULL,
  file_digest   TEXT NOT NULL,               -- BLAKE2b-256 hex of the file's bytes
  operator      TEXT NOT NULL,
  imported_at   TEXT NOT NULL,
  report        TEXT NOT NULL                -- JSON: the import report
);

-- The last pre-printed form number handed out per sheet day: a reprint gets
-- new numbers, so two copies of a sheet can never carry the same form id.
CREATE TABLE paper_form_counters (
  day   TEXT PRIMARY KEY,                      -- 'YYMMDD', the sheet's date
  last  INTEGER NOT NULL
);
