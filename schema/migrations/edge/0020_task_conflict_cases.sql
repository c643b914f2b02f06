-- Cases of kind 'task-conflict' (docs/FOLLOWUP.md, "Head office and the store
-- on one task"): the store's and head office's answers on one follow-up task
-- contradict, for a person to decide. The kind's CHECK becomes "not empty" so
-- a later kind needs no rebuild; the store's code writes only the kinds it
-- knows (sync/model/case.h). SQLite cannot alter a CHECK: the table is
-- rebuilt with every row as it was, and its index again.
CREATE TABLE conflict_cases_v20 (
  id            TEXT PRIMARY KEY,
  ref           TEXT NOT NULL UNIQUE,        -- 'C-YYMMDD-N': what staff say and type
  store_id      TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (length(kind) > 0),  -- over-capacity, duplicate-booking,
                                             -- contradicting-status, task-conflict
  slot_date     TEXT,
  slot_time     TEXT,
  booking_ids   TEXT NOT NULL,               -- JSON array: every booking the case is about
  contacts      TEXT NOT NULL,               -- JSON array: {customer_id, name, phone, booking_ref, why}
  summary       TEXT NOT NULL,
  source        TEXT NOT NULL,               -- what raised it: 'paper import ...', 'task T-...'
  opened_at     TEXT NOT NULL,
  opened_by     TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  resolved_at   TEXT,
  resolved_by   TEXT,
  resolution    TEXT,
  CHECK (status != 'resolved' OR length(resolution) > 0)
);
INSERT INTO conflict_cases_v20 (id, ref, store_id, kind, slot_date, slot_time, booking_ids,
                                contacts, summary, source, opened_at, opened_by, status,
                                resolved_at, resolved_by, resolution)
  SELECT id, ref, store_id, kind, slot_date, slot_time, booking_ids, contacts, summary, source,
         opened_at, opened_by, status, resolved_at, resolved_by, resolution
  FROM conflict_cases;
DROP TABLE conflict_cases;
ALTER TABLE conflict_cases_v20 RENAME TO conflict_cases;
CREATE INDEX conflict_cases_open ON conflict_cases(status, opened_at);
-- A follow-up task's contradiction case is found by its source: one per task.
CREATE INDEX conflict_cases_source ON conflict_cases(source) WHERE kind = 'task-conflict';
