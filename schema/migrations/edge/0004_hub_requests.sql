-- Requests head office made for this store (call-centre bookings), by the hub's
-- per-store seq. A request's row is written in the same transaction as the
-- booking it creates, so a request is applied once however often it arrives.
CREATE TABLE hub_requests (
  seq          INTEGER PRIMARY KEY CHECK (seq > 0),
  received_at  TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('booked', 'refused')),
  booking_id   TEXT REFERENCES bookings(id),
  reason       TEXT,                           -- why it was refused, for the store to act on
  CHECK (outcome != 'booked' OR booking_id IS NOT NULL),
  CHECK (outcome != 'refused' OR length(reason) > 0)
);
