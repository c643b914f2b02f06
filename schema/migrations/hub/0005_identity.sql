-- Identity resolution: each store's customer records linked into unified
-- customers (hub/identity.h). A store record keeps its own id and points here.

CREATE TABLE unified_customers (
  unified_id      TEXT PRIMARY KEY,             -- 'U' + 16 hex; stable once given
  founder_record  TEXT NOT NULL,                -- the record it was minted for: keeps the id
  created_at      TEXT NOT NULL,
  merged_into     TEXT                          -- absorbed by a merge: redirects there
);

CREATE TABLE identity_links (
  record_id   TEXT PRIMARY KEY,                 -- a store's customer id
  site_id     TEXT NOT NULL,
  unified_id  TEXT NOT NULL REFERENCES unified_customers(unified_id),
  linked_at   TEXT NOT NULL
);
CREATE INDEX identity_links_unified ON identity_links(unified_id);

-- A person's decisions, kept forever (an undo is a new row, never an edit):
-- 'merge' links record_a and record_b whatever the evidence; 'split' keeps
-- record_a out of automatic links (an unmerge).
CREATE TABLE identity_rules (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind      TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
  record_a  TEXT NOT NULL,
  record_b  TEXT,
  staff     TEXT NOT NULL,
  note      TEXT NOT NULL,
  at        TEXT NOT NULL,
  CHECK (kind != 'merge' OR record_b IS NOT NULL)
);

-- Possible matches evidence alone does not link (a shared phone or plate under
-- different names: family, fleet, typo): for a person to merge or leave.
CREATE TABLE identity_candidates (
  record_a   TEXT NOT NULL,
  record_b   TEXT NOT NULL,
  key_kind   TEXT NOT NULL,
  key_value  TEXT NOT NULL,
  PRIMARY KEY (record_a, record_b)
) WITHOUT ROWID;

-- How far resolution has read: the number of customer and vehicle changes.
CREATE TABLE identity_state (
  singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
  resolved_changes INTEGER NOT NULL,
  resolved_rules   INTEGER NOT NULL,
  resolved_at      TEXT NOT NULL
);

-- Every identifying key of every record (phone, member id, plate, VIN), for
-- look-ups; rebuilt by each resolution.
CREATE TABLE identity_keys (
  key        TEXT NOT NULL,                     -- 'phone:+86...', 'member:VIP1', 'plate:京A12345', 'vin:...'
  record_id  TEXT NOT NULL,
  PRIMARY KEY (key, record_id)
) WITHOUT ROWID;
