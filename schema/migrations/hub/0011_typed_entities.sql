-- Typed, indexed copies of the hub's merged bookings, customers and vehicles,
-- so that reports filter by store and date, status, phone or plate without a
-- JSON scan. entities.fields stays the truth; these rows are derived from it:
-- kept behind ingest with customer_children, for the entities changed since
-- store_cursors.profiled_seq (hub/storage/identity_store.h IndexChanges),
-- decoded by the model's codecs (sync/model/). An entity its codec refuses
-- has no typed row.

CREATE TABLE hub_bookings (
  booking_id        TEXT PRIMARY KEY,
  site              TEXT NOT NULL,            -- the store that made it
  ref               TEXT NOT NULL,
  customer_id       TEXT NOT NULL,
  vehicle_id        TEXT,
  service           TEXT NOT NULL,
  slot_date         TEXT NOT NULL,            -- 'YYYY-MM-DD', store local
  slot_time         TEXT NOT NULL,            -- 'HH:MM', store local
  status            TEXT NOT NULL,            -- sync/lifecycle.h BookingStatusName
  channel           TEXT NOT NULL,            -- sync/lifecycle.h ChannelName
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  arrived_at        TEXT,
  cancel_reason     TEXT,
  needs_reschedule  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX hub_bookings_site_date ON hub_bookings(site, slot_date, slot_time);
CREATE INDEX hub_bookings_status ON hub_bookings(status, slot_date);
CREATE INDEX hub_bookings_customer ON hub_bookings(customer_id);

CREATE TABLE hub_customers (
  customer_id     TEXT PRIMARY KEY,
  site            TEXT NOT NULL,              -- the store that created it
  name            TEXT NOT NULL,
  member_id       TEXT,
  do_not_disturb  INTEGER NOT NULL,
  created_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX hub_customers_site ON hub_customers(site);
CREATE INDEX hub_customers_member ON hub_customers(member_id) WHERE member_id IS NOT NULL;

-- A customer's phones (a set): one row each.
CREATE TABLE hub_customer_phones (
  phone        TEXT NOT NULL,                 -- E.164
  customer_id  TEXT NOT NULL,
  PRIMARY KEY (phone, customer_id)
) WITHOUT ROWID;
CREATE INDEX hub_customer_phones_customer ON hub_customer_phones(customer_id);

CREATE TABLE hub_vehicles (
  vehicle_id   TEXT PRIMARY KEY,
  site         TEXT NOT NULL,                 -- the store that recorded it
  customer_id  TEXT NOT NULL,
  plate        TEXT,                          -- normalized
  vin          TEXT,
  mileage_km   INTEGER
) WITHOUT ROWID;
CREATE INDEX hub_vehicles_plate ON hub_vehicles(plate) WHERE plate IS NOT NULL;
CREATE INDEX hub_vehicles_vin ON hub_vehicles(vin) WHERE vin IS NOT NULL;
CREATE INDEX hub_vehicles_customer ON hub_vehicles(customer_id);

-- Present: the typed rows must be filled from every entity (a hub upgraded to
-- this migration). The next IndexChanges does it and deletes the row.
CREATE TABLE hub_typed_backfill (
  singleton  INTEGER PRIMARY KEY CHECK (singleton = 1)
);
INSERT INTO hub_typed_backfill (singleton) VALUES (1);
