-- identity_input_clock counts every customer or vehicle row written to
-- entities (resolution's "did anything change" watermark: 0001, after the
-- SQLite hub's 0021). 0001 counted with row triggers, one UPDATE of the
-- clock's one row for every such row. In PostgreSQL each of those UPDATEs
-- leaves a dead version of that row, so a batch of customers made hundreds
-- in one transaction and each next UPDATE walked past all of them, and the
-- versions piled up faster than autovacuum took them away. Measured by
-- tests/bench/pg_identity_clock_bench.sh (docs/PERFORMANCE.md, run 8): rounds
-- of 100 transactions of 500 new customers, then the same 500 again, took
-- 3.9 s, 8.6 s, 15.9 s with the row triggers, slower each round; counted per
-- statement, 0.75-1.10 s each round.
--
-- Statement triggers with the statement's rows (transition tables) add the
-- same number once per statement, in the writer's own transaction: the count
-- stays one per row written, as before and as on SQLite. COPY and INSERT ...
-- ON CONFLICT DO UPDATE fire them too (the latter its insert and its update
-- triggers, each with its own rows).
DROP TRIGGER entities_identity_input_insert ON entities;
DROP TRIGGER entities_identity_input_update ON entities;
DROP TRIGGER entities_identity_input_delete ON entities;
DROP FUNCTION entities_count_identity_input();

CREATE FUNCTION entities_count_identity_input_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  counted BIGINT;
BEGIN
  SELECT count(*) INTO counted FROM identity_rows WHERE entity IN ('customer', 'vehicle');
  IF counted > 0 THEN
    UPDATE identity_input_clock SET writes = writes + counted;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER entities_identity_input_insert AFTER INSERT ON entities
  REFERENCING NEW TABLE AS identity_rows
  FOR EACH STATEMENT EXECUTE FUNCTION entities_count_identity_input_rows();
CREATE TRIGGER entities_identity_input_update AFTER UPDATE ON entities
  REFERENCING NEW TABLE AS identity_rows
  FOR EACH STATEMENT EXECUTE FUNCTION entities_count_identity_input_rows();
CREATE TRIGGER entities_identity_input_delete AFTER DELETE ON entities
  REFERENCING OLD TABLE AS identity_rows
  FOR EACH STATEMENT EXECUTE FUNCTION entities_count_identity_input_rows();
