-- The month report reads every booking with a slot in the month, and every
-- one asked for in it (hub/storage/postgres/reads.cc ForEachMonthBooking),
-- by these two ranges. With plain indexes PostgreSQL then reads the heap for
-- each row: at 10 million bookings (500 stores, 24 months) about 410,000 rows
-- spread over most of a 2.3 GB table, 4.8 s (docs/PERFORMANCE.md, run 7).
-- The same ranges covering every column the report reads are read by index
-- only (where autovacuum has marked the pages all-visible): 0.6 s. They
-- replace the plain indexes of 0015, which they serve as well; the cost is
-- their size, about 150 bytes a booking each. SQLite's hub keeps its plain
-- indexes: its bookings table is clustered on its key, and its report is
-- within its bounds (docs/PERFORMANCE.md, the month report).
--
-- Building them locks hub_bookings against writes for as long as it takes
-- (about 20 s at 10 million bookings on the test VM): run the upgrade while
-- the hub's units are stopped, as any migration.
CREATE INDEX hub_bookings_month_slot ON hub_bookings (slot_date)
  INCLUDE (site, channel, requested_at, created_at, slot_time, status, arrived_at,
           cancelled_at, moved_here);
CREATE INDEX hub_bookings_month_asked ON hub_bookings (requested_at)
  INCLUDE (site, channel, created_at, slot_date, slot_time, status, arrived_at,
           cancelled_at, moved_here);
DROP INDEX hub_bookings_slot_date;
DROP INDEX hub_bookings_requested;
