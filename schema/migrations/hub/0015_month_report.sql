-- Head office's month-end statistics (issue 17 item 7, docs/KPI.md "At head
-- office"): what the month's figures need of a booking that hub_bookings did
-- not hold, typed behind ingest like its other columns
-- (hub/storage/identity_store.h IndexChanges, from the booking codec and the
-- store's log):
--   requested_at   the business time it was asked for (the day it was made);
--   moved_here     1 when made by a reschedule (rescheduled_from set);
--   cancelled_at   when a change of the store's first set it cancelled (that
--                  change's updated_at, as the desk's history has it); NULL
--                  while it never was.
ALTER TABLE hub_bookings ADD COLUMN requested_at TEXT;
ALTER TABLE hub_bookings ADD COLUMN moved_here INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hub_bookings ADD COLUMN cancelled_at TEXT;

-- The month's report reads only the month's rows: those with a slot in it
-- and those asked for in it (a day either side), each range by its index.
CREATE INDEX hub_bookings_slot_date ON hub_bookings(slot_date);
CREATE INDEX hub_bookings_requested ON hub_bookings(requested_at);

-- A hub upgraded to this migration fills the new columns of every booking:
-- the next IndexChanges rebuilds the typed rows from the entities (as 0011's
-- backfill) and deletes the row.
INSERT OR IGNORE INTO hub_typed_backfill (singleton) VALUES (1);
