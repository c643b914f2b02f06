-- Head office's own records that travel to stores or decide identity
-- (hub_outbox, identity_rules, identity_dismissals, identity_links,
-- security_log, store_key_history) made tamper-evident: every write of such a
-- row appends an entry here naming the row and the hash of its content, in a
-- BLAKE2b chain whose newest head of each write is signed by the hub's key
-- (hub/record_log.h, docs/PROTOCOL.md). Verify recomputes the chain and
-- compares each row with its newest entry. Rows written before this migration
-- are recorded when the hub next opens the database.
CREATE TABLE record_log (
  seq             INTEGER PRIMARY KEY CHECK (seq > 0),
  record          TEXT NOT NULL,               -- the table
  record_key      TEXT NOT NULL,               -- the row in it: 'S1/3', '17', a record id
  content_hash    BLOB NOT NULL CHECK (length(content_hash) = 32),
  head            BLOB NOT NULL CHECK (length(head) = 32),
  head_signature  BLOB CHECK (head_signature IS NULL OR length(head_signature) = 64)
);
CREATE INDEX record_log_key ON record_log(record, record_key, seq);
