-- Head office's outreach (docs/OUTREACH.md, "At head office"): its settings
-- (the chain's holiday calendar, the service rules), the service-due
-- invitations it assigned to stores (once per person, vehicle and due date),
-- and the customers' replies that came in through the relay (once each).

CREATE TABLE hub_settings (
  name    TEXT PRIMARY KEY,                 -- 'holidays', 'service_rules'
  value   TEXT NOT NULL,                    -- JSON, as validated when set
  set_at  TEXT NOT NULL,
  set_by  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE hub_invitations (
  invitation_key  TEXT PRIMARY KEY,         -- person | vehicle | due date
  unified_id      TEXT NOT NULL,
  vehicle_key     TEXT NOT NULL,
  due_date        TEXT NOT NULL,
  site            TEXT NOT NULL,            -- the store it was queued to
  request_seq     INTEGER NOT NULL,         -- its request in hub_outbox
  assigned_at     TEXT NOT NULL,
  assigned_by     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE hub_replies (
  seq                 INTEGER PRIMARY KEY,  -- in the order they were recorded
  gateway_message_id  TEXT NOT NULL UNIQUE, -- the relay's id: each reply once
  sender              TEXT NOT NULL,        -- E.164 or WeChat id
  text                TEXT NOT NULL,
  kind                TEXT NOT NULL,        -- 'cancel', 'opt_out', 'other'
  received_at         TEXT NOT NULL,
  in_reply_to         TEXT NOT NULL,
  recorded_at         TEXT NOT NULL,
  outcome             TEXT NOT NULL,        -- what head office did, in words
  requests            TEXT NOT NULL         -- JSON: [{"site", "seq"}] queued for it
);

-- The vehicles' odometer readings: each logged vehicle change carrying an
-- integer mileage_km, typed like 0011's rows and kept behind ingest with them
-- (hub/storage/identity_store.h IndexChanges), so that service due reads them
-- in one sequential pass instead of a look-up per change. `at` is the
-- change's business time, else when it was recorded (UTC text).
CREATE TABLE hub_mileage_readings (
  vehicle_id  TEXT NOT NULL,
  at          TEXT NOT NULL,
  site        TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  km          INTEGER NOT NULL,
  PRIMARY KEY (vehicle_id, at, site, seq)
) WITHOUT ROWID;
-- What a hub upgraded to this migration holds already.
INSERT OR IGNORE INTO hub_mileage_readings (vehicle_id, at, site, seq, km)
  SELECT entity_id, coalesce(business_time, recorded_at), site_id, seq,
         json_extract(fields, '$.mileage_km')
  FROM changes WHERE entity = 'vehicle' AND json_type(fields, '$.mileage_km') = 'integer';
