-- Follow-up tasks (回访, issue 17; docs/FOLLOWUP.md): a call owed to a customer
-- after a visit, a no-show, a purchase, for a care date or added by hand, with
-- its attempts and outcome. One row per task, logged as entity 'task'
-- (sync/model/task.h; the change log allows it from migration 12). Columns are
-- named as the logged fields, so verify compares the tables with the fold of
-- the log field by field; edge/tasks.h holds the only SQL on it.
CREATE TABLE tasks (
  id               TEXT PRIMARY KEY,             -- model::TaskIdFor(idempotency_key)
  store_id         TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('after_service', 'after_purchase', 'run_in',
                                                 'no_show', 'care_birthday', 'care_inspection',
                                                 'care_insurance', 'complaint', 'invitation',
                                                 'manual')),
  customer_id      TEXT NOT NULL REFERENCES customers(id),
  vehicle_id       TEXT REFERENCES vehicles(id),
  booking_id       TEXT REFERENCES bookings(id),
  idempotency_key  TEXT NOT NULL UNIQUE,         -- one task per event: "store/kind/booking"
  owner            TEXT NOT NULL,                -- the SA at the store, or 'head_office'
  due_from         TEXT NOT NULL,                -- YYYY-MM-DD, store local
  due_by           TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('open', 'done', 'returned', 'cancelled')),
  attempts         TEXT NOT NULL DEFAULT '[]',   -- JSON list, oldest first (model::TaskAttempt)
  outcome          TEXT,                         -- when closed
  reason           TEXT NOT NULL DEFAULT '',
  created_at       TEXT NOT NULL,
  created_by       TEXT NOT NULL,
  updated_at       TEXT,
  CHECK (due_from <= due_by)
);
-- The open tasks by due day: the desk's list and the calls.
CREATE INDEX tasks_open ON tasks(due_from, due_by) WHERE status = 'open';
CREATE INDEX tasks_customer ON tasks(customer_id);
CREATE INDEX tasks_booking ON tasks(booking_id);

-- Phones a follow-up call found wrong or empty (logged field 'doubtful_phones'
-- of the customer, written only once one is found): a JSON list of E.164
-- numbers, NULL while none is doubtful. The desk asks for a correction.
ALTER TABLE customers ADD COLUMN doubtful_phones TEXT;
