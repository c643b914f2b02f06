-- The store (edge) database: one file per store, the source of truth for its slots.
-- Timestamps written by the system are UTC text '2026-11-23T15:22:25.123Z' (sorts as text).
-- Slot dates and times are the store's local wall clock: '2026-11-24', '10:00'.

-- Exactly one row: who this store is and the rules it books by.
CREATE TABLE store_config (
  singleton              INTEGER PRIMARY KEY CHECK (singleton = 1),
  store_id               TEXT NOT NULL CHECK (length(store_id) BETWEEN 1 AND 32),
  name                   TEXT NOT NULL,
  time_zone              TEXT NOT NULL,
  phone_region           TEXT NOT NULL DEFAULT 'CN',
  -- ISO weekdays the store is open, as digits: '1234567' is every day, '123456' Mon-Sat.
  open_days              TEXT NOT NULL,
  min_notice_minutes     INTEGER NOT NULL CHECK (min_notice_minutes >= 0),
  -- Booked at least this long before the slot: priority reception bay and car wash.
  priority_notice_minutes INTEGER NOT NULL CHECK (priority_notice_minutes >= 0),
  -- Booked on an earlier day and arriving before this local time: labour discount.
  discount_cutoff        TEXT NOT NULL,
  discount_percent       INTEGER NOT NULL CHECK (discount_percent BETWEEN 0 AND 100),
  created_at             TEXT NOT NULL
);

-- The slot grid: the start times a booking may take, and how many bookings each holds.
CREATE TABLE slots (
  start_time  TEXT PRIMARY KEY CHECK (start_time GLOB '[0-2][0-9]:[0-5][0-9]'),
  capacity    INTEGER NOT NULL CHECK (capacity > 0)
);

CREATE TABLE closed_dates (
  day     TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  reason  TEXT NOT NULL
);

CREATE TABLE customers (
  id              TEXT PRIMARY KEY,
  store_id        TEXT NOT NULL,              -- the store that created the record
  name            TEXT NOT NULL,
  name_key        TEXT NOT NULL,              -- SearchKey(name): case/width-insensitive search
  member_id       TEXT,
  contact_opt_in  INTEGER NOT NULL DEFAULT 0 CHECK (contact_opt_in IN (0, 1)),
  do_not_disturb  INTEGER NOT NULL DEFAULT 0 CHECK (do_not_disturb IN (0, 1)),
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX customers_member_id ON customers(member_id) WHERE member_id IS NOT NULL;
CREATE INDEX customers_name_key ON customers(name_key);

-- A customer may have several phones; family members may share one (checked at the desk).
CREATE TABLE customer_phones (
  customer_id  TEXT NOT NULL REFERENCES customers(id),
  e164         TEXT NOT NULL CHECK (e164 GLOB '+[1-9]*'),
  added_at     TEXT NOT NULL,
  PRIMARY KEY (customer_id, e164)
);
CREATE INDEX customer_phones_e164 ON customer_phones(e164);

CREATE TABLE vehicles (
  id           TEXT PRIMARY KEY,
  customer_id  TEXT NOT NULL REFERENCES customers(id),
  plate        TEXT,
  vin          TEXT CHECK (vin IS NULL OR length(vin) = 17),
  mileage_km   INTEGER CHECK (mileage_km IS NULL OR mileage_km >= 0),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  CHECK (plate IS NOT NULL OR vin IS NOT NULL)
);
CREATE UNIQUE INDEX vehicles_plate ON vehicles(plate) WHERE plate IS NOT NULL;
CREATE UNIQUE INDEX vehicles_vin ON vehicles(vin) WHERE vin IS NOT NULL;
CREATE INDEX vehicles_customer ON vehicles(customer_id);

CREATE TABLE bookings (
  id                  TEXT PRIMARY KEY,
  ref                 TEXT NOT NULL,          -- desk reference 'YYMMDD-N': said on the phone, written on paper
  store_id            TEXT NOT NULL,
  customer_id         TEXT NOT NULL REFERENCES customers(id),
  vehicle_id          TEXT REFERENCES vehicles(id),
  service             TEXT NOT NULL,
  slot_date           TEXT NOT NULL,
  slot_time           TEXT NOT NULL,
  channel             TEXT NOT NULL CHECK (channel IN
                        ('phone', 'wechat', 'online', 'walk-in', 'call-centre', 'paper')),
  status              TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'checked-in',
                        'in-service', 'completed', 'cancelled', 'no-show', 'rescheduled')),
  notes               TEXT NOT NULL DEFAULT '',
  staff               TEXT NOT NULL,          -- who took the booking
  requested_at        TEXT NOT NULL,          -- business time: when the customer asked
  created_at          TEXT NOT NULL,          -- system time: when it was written here
  updated_at          TEXT NOT NULL,
  -- Perk rules, decided when booked and kept so the desk honours what was promised.
  priority_reception  INTEGER NOT NULL CHECK (priority_reception IN (0, 1)),
  discount_eligible   INTEGER NOT NULL CHECK (discount_eligible IN (0, 1)),
  -- Set at check-in.
  arrived_at          TEXT,
  discount_applied    INTEGER CHECK (discount_applied IN (0, 1)),
  arrival_perk        TEXT,
  cancel_reason       TEXT,
  rescheduled_from    TEXT REFERENCES bookings(id),
  rescheduled_to      TEXT REFERENCES bookings(id),
  CHECK (status != 'cancelled' OR length(cancel_reason) > 0),
  CHECK (status != 'rescheduled' OR rescheduled_to IS NOT NULL)
);
CREATE UNIQUE INDEX bookings_ref ON bookings(ref);
CREATE INDEX bookings_slot ON bookings(slot_date, slot_time);
CREATE INDEX bookings_customer ON bookings(customer_id);

-- The last desk ref number handed out per slot day: refs are allocated in O(1).
CREATE TABLE booking_ref_counters (
  day   TEXT PRIMARY KEY,                     -- 'YYMMDD', the slot day of the ref
  last  INTEGER NOT NULL
);

-- One row for every change of a booking, including its creation. Append-only.
CREATE TABLE booking_history (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  booking_id   TEXT NOT NULL REFERENCES bookings(id),
  at           TEXT NOT NULL,
  staff        TEXT NOT NULL,
  action       TEXT NOT NULL,                 -- 'book', 'confirm', 'check-in', 'reschedule', ...
  from_status  TEXT,
  to_status    TEXT NOT NULL,
  changes      TEXT NOT NULL DEFAULT '{}',    -- JSON: {"field": [old, new], ...}
  reason       TEXT
);
CREATE INDEX booking_history_booking ON booking_history(booking_id, seq);

CREATE TRIGGER booking_history_no_update BEFORE UPDATE ON booking_history
BEGIN SELECT RAISE(ABORT, 'booking_history is append-only'); END;
CREATE TRIGGER booking_history_no_delete BEFORE DELETE ON booking_history
BEGIN SELECT RAISE(ABORT, 'booking_history is append-only'); END;
