-- Head office's outreach requests (docs/OUTREACH.md): 'invite' (plan an
-- invitation), 'opt-out' (a customer's reply TD), 'holidays' (the chain's
-- calendar), answered 'applied' with what the store did. A kind a newer head
-- office sends that this store does not know is recorded under its own name
-- (refused, with why), so the kind is no longer a closed list. SQLite cannot
-- alter a CHECK: the table is rebuilt with every row as it was.
CREATE TABLE hub_requests_v15 (
  seq          INTEGER PRIMARY KEY CHECK (seq > 0),
  received_at  TEXT NOT NULL,
  kind         TEXT NOT NULL DEFAULT 'book' CHECK (length(kind) > 0),
  outcome      TEXT NOT NULL CHECK (outcome IN ('booked', 'refused', 'applied', 'overruled')),
  booking_id   TEXT REFERENCES bookings(id),   -- booked, or the booking cancelled / moved to
  reason       TEXT,                           -- why refused or overruled; what was applied
  case_ref     TEXT,                           -- the case opened (overruled) or closed
  CHECK (outcome != 'booked' OR booking_id IS NOT NULL),
  CHECK (outcome NOT IN ('refused', 'overruled') OR length(reason) > 0)
);
INSERT INTO hub_requests_v15 (seq, received_at, kind, outcome, booking_id, reason, case_ref)
  SELECT seq, received_at, kind, outcome, booking_id, reason, case_ref FROM hub_requests
  ORDER BY seq;
DROP TABLE hub_requests;
ALTER TABLE hub_requests_v15 RENAME TO hub_requests;
