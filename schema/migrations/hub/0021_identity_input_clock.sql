-- Whether resolution is up to date is asked before every customer look-up
-- (the command line's and the web console's). It was a count and a sum over
-- every customer and vehicle row: 0.3-0.4 s at a million customers, most of a
-- customer page's time (docs/PERFORMANCE.md, "Web console under load"). Now
-- every write of a customer or vehicle row counts one here, in the writer's
-- own transaction, whoever writes it (ingest, a rebuild): reading the mark is
-- one row. A write that changes nothing still counts: one resolution more,
-- never one fewer.
CREATE TABLE identity_input_clock (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  writes    INTEGER NOT NULL
);
INSERT INTO identity_input_clock (singleton, writes)
  SELECT 1, count(*) FROM entities WHERE entity IN ('customer', 'vehicle');

CREATE TRIGGER entities_identity_input_insert AFTER INSERT ON entities
  WHEN NEW.entity IN ('customer', 'vehicle')
BEGIN
  UPDATE identity_input_clock SET writes = writes + 1;
END;

CREATE TRIGGER entities_identity_input_update AFTER UPDATE ON entities
  WHEN NEW.entity IN ('customer', 'vehicle')
BEGIN
  UPDATE identity_input_clock SET writes = writes + 1;
END;

CREATE TRIGGER entities_identity_input_delete AFTER DELETE ON entities
  WHEN OLD.entity IN ('customer', 'vehicle')
BEGIN
  UPDATE identity_input_clock SET writes = writes + 1;
END;
