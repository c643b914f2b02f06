-- Segments (issue 17, item 6; docs/FOLLOWUP.md "Segments"): the typed
-- bookings carry what a completed visit was worth (sync/model/booking.h
-- amount_fen, fen), filled behind ingest like the other typed columns; NULL
-- when the store recorded none. Segments are computed from these rows and
-- the identity links; their thresholds are the hub setting "segment_rules"
-- (hub_settings, 0012_campaigns.sql).
ALTER TABLE hub_bookings ADD COLUMN amount_fen INTEGER;
