-- Look-ups as staff type them: the last four digits of a phone (printed on
-- the paper sheet) and of a plate find their rows through these indexes, so
-- `customer find 8000` at a store of 100 k customers reads a handful of rows.
-- Expressions of built-in functions only: any SQLite opening the file (the
-- sqlite3 shell, an older tool) can write to the tables.
CREATE INDEX customer_phones_last4 ON customer_phones(substr(e164, -4));
CREATE INDEX vehicles_plate_last4 ON vehicles(substr(plate, -4));
