-- Assignment (issue 16, item 3): the service advisor, bay and technician team
-- who prepare a booking's visit (outpost-edge book --advisor/--bay/--team,
-- assign; the day-before preparation list, prep). Named as the logged fields
-- (sync/model/booking.h) and NULL until assigned: replay writes them through
-- InsertBookingRow/UpdateBookingRow, and verify compares them with the fold of
-- the log (a booking logged before they existed holds the default, NULL).
ALTER TABLE bookings ADD COLUMN advisor TEXT;
ALTER TABLE bookings ADD COLUMN bay TEXT;
ALTER TABLE bookings ADD COLUMN team TEXT;
