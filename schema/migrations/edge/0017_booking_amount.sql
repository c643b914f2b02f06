-- Segments (issue 17, item 6): what a completed visit was worth, in fen
-- (1/100 yuan), as outpost-edge complete --amount recorded it. Named as the
-- logged field (sync/model/booking.h amount_fen) and NULL until recorded:
-- replay writes it through InsertBookingRow/UpdateBookingRow, and verify
-- compares it with the fold of the log (a booking logged before it existed
-- holds the default, NULL).
ALTER TABLE bookings ADD COLUMN amount_fen INTEGER;
