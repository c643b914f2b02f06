-- Head office may also cancel or move a booking (the call centre, on the
-- customer's word), and close a case it has handled ('resolve-case'). The store decides by what physically happened there
-- (docs/CONFLICTS.md): such a request is 'applied', or 'overruled' when the
-- store had already moved on (the customer checked in, was served, was marked
-- no-show, or the booking was moved here), and the overruled request opens a
-- contradicting-status case. SQLite cannot alter a CHECK: the table is rebuilt
-- with every row as it was.
CREATE TABLE hub_requests_v8 (
  seq          INTEGER PRIMARY KEY CHECK (seq > 0),
  received_at  TEXT NOT NULL,
  kind         TEXT NOT NULL DEFAULT 'book'
                 CHECK (kind IN ('book', 'cancel', 'reschedule', 'resolve-case')),
  outcome      TEXT NOT NULL CHECK (outcome IN ('booked', 'refused', 'applied', 'overruled')),
  booking_id   TEXT REFERENCES bookings(id),   -- booked, or the booking cancelled / moved to
  reason       TEXT,                           -- why it was refused or overruled
  case_ref     TEXT,                           -- the case opened (overruled) or closed
  CHECK (outcome != 'booked' OR booking_id IS NOT NULL),
  CHECK (outcome NOT IN ('refused', 'overruled') OR length(reason) > 0)
);
INSERT INTO hub_requests_v8 (seq, received_at, outcome, booking_id, reason)
  SELECT seq, received_at, outcome, booking_id, reason FROM hub_requests ORDER BY seq;
DROP TABLE hub_requests;
ALTER TABLE hub_requests_v8 RENAME TO hub_requests;
