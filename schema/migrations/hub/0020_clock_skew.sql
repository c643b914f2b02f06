-- Each store's clock less head office's at its last hello, in milliseconds
-- (positive: the store's clock is ahead). The store says its clock in the
-- hello (sentAtMs); NULL until a hello that says it (a store from before the
-- field). A skewed clock stamps bookings and changes at the wrong time, so
-- `stores` and the web console show it.
ALTER TABLE store_cursors ADD COLUMN clock_skew_ms INTEGER;
