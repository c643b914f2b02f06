-- The hub (head office) database.

-- The allow-list: stores that may send, and the keys they must use.
CREATE TABLE stores (
  site_id     TEXT PRIMARY KEY,
  sign_pk     BLOB NOT NULL CHECK (length(sign_pk) = 32),
  kx_pk       BLOB NOT NULL CHECK (length(kx_pk) = 32),
  key_id      TEXT NOT NULL,
  added_at    TEXT NOT NULL
);

-- Where each store's log stands at the hub: everything up to last_seq is applied.
CREATE TABLE store_cursors (
  site_id       TEXT PRIMARY KEY REFERENCES stores(site_id),
  last_seq      INTEGER NOT NULL DEFAULT 0,
  last_hash     BLOB NOT NULL,
  last_contact  TEXT,
  last_batch_at TEXT
);

-- Every accepted batch, verbatim (still sealed), for audit and replay.
CREATE TABLE batch_archive (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id      TEXT NOT NULL,
  first_seq    INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL,
  received_at  TEXT NOT NULL,
  envelope     BLOB NOT NULL
);

-- The stores' change logs as received (hash chain intact), one row per change.
CREATE TABLE changes (
  site_id         TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  hlc             INTEGER NOT NULL,
  entity          TEXT NOT NULL,
  entity_id       TEXT NOT NULL,
  op              TEXT NOT NULL,
  fields          TEXT NOT NULL,
  staff           TEXT NOT NULL,
  business_time   TEXT,
  recorded_at     TEXT NOT NULL,
  schema_version  INTEGER NOT NULL,
  prev_hash       BLOB NOT NULL,
  hash            BLOB NOT NULL,
  PRIMARY KEY (site_id, seq)
) WITHOUT ROWID;

-- The consolidated state: one row per entity, fields merged by hybrid logical
-- clock (last writer per field; docs/CONFLICTS.md once issue 4 lands).
CREATE TABLE entities (
  entity      TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  owner_site  TEXT NOT NULL,           -- the store that created it; only it may change it
  fields      TEXT NOT NULL,           -- JSON object
  field_hlcs  TEXT NOT NULL,           -- JSON object: field -> hlc of its current value
  last_hlc    INTEGER NOT NULL,
  PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;

-- Every refusal and alarm, with its reason; never the keys or the payload.
CREATE TABLE security_log (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       TEXT NOT NULL,
  site_id  TEXT,
  kind     TEXT NOT NULL,              -- 'refused' or 'alarm'
  reason   TEXT NOT NULL
);
