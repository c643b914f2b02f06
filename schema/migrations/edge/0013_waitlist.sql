-- The waitlist (issue 16): customers waiting for a place in a date range, and
-- the place held for each while an offer is open. One row per entry, logged as
-- entity 'waitlist' (sync/model/waitlist.h; the change log allows it from
-- migration 12). Columns are named as the logged fields, so the tables' fold of
-- the log compares field by field; edge/waitlist.h holds the only SQL on it.
CREATE TABLE waitlist_entries (
  id               TEXT PRIMARY KEY,
  store_id         TEXT NOT NULL,
  customer_id      TEXT NOT NULL REFERENCES customers(id),
  vehicle_id       TEXT REFERENCES vehicles(id),
  service          TEXT NOT NULL,
  date_from        TEXT NOT NULL,               -- YYYY-MM-DD, store local, inclusive
  date_to          TEXT NOT NULL,               -- inclusive
  preferred_times  TEXT NOT NULL DEFAULT '[]',  -- JSON list of slot times; empty: any slot
  tier             TEXT NOT NULL CHECK (tier IN ('vip', 'regular', 'new')),
  auto_book        INTEGER NOT NULL CHECK (auto_book IN (0, 1)),
  created_at       TEXT NOT NULL,               -- UTC: when the wait began (order in a tier)
  staff            TEXT NOT NULL,               -- who put the customer on the list
  status           TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'declined',
                                                   'expired', 'cancelled')),
  -- The last place offered; held while status = 'offered' and hold_until is ahead.
  offer_date       TEXT,
  offer_time       TEXT,
  offered_at       TEXT,
  hold_until       TEXT,
  booking_id       TEXT REFERENCES bookings(id),  -- when booked
  reason           TEXT NOT NULL DEFAULT '',      -- why the last change happened
  updated_at       TEXT NOT NULL,
  CHECK (date_from <= date_to)
);
-- The open entries (waiting or offered), read by every offer run.
CREATE INDEX waitlist_open ON waitlist_entries(status) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_customer ON waitlist_entries(customer_id);
