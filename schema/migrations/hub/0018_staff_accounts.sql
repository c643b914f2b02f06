-- Head office's staff accounts for the web console (issue 18; docs/WEB.md):
-- who may sign in, with which role, their sessions, failed sign-ins (the rate
-- limit) and an append-only audit of every account change and sign-in.
-- Passwords are kept only as libsodium Argon2id strings (crypto_pwhash_str);
-- sessions only by the BLAKE2b-256 of their token, so a copy of this file
-- signs nobody in.

CREATE TABLE staff_users (
  name             TEXT PRIMARY KEY,          -- the sign-in name
  display_name     TEXT NOT NULL,
  role             TEXT NOT NULL CHECK (role IN ('viewer', 'call_centre', 'data_team', 'admin')),
  password_hash    TEXT NOT NULL,             -- "$argon2id$..."
  password_set_at  TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  created_by       TEXT NOT NULL,
  disabled_at      TEXT,                      -- set: may not sign in
  disabled_by      TEXT,
  disabled_reason  TEXT
) WITHOUT ROWID;

CREATE TABLE staff_sessions (
  token_hash    BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
  name          TEXT NOT NULL REFERENCES staff_users(name),
  csrf_token    TEXT NOT NULL,                -- sent with every write of the session
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,                -- absolute end
  last_seen_at  TEXT NOT NULL,                -- idle timeout counts from here
  ended_at      TEXT,                         -- signed out, or ended by a password change
  ended_why     TEXT
) WITHOUT ROWID;
CREATE INDEX staff_sessions_name ON staff_sessions(name);

-- One row per failed sign-in (also for unknown names); old rows are deleted
-- as new ones come.
CREATE TABLE staff_login_failures (
  name  TEXT NOT NULL,
  at    TEXT NOT NULL
);
CREATE INDEX staff_login_failures_name ON staff_login_failures(name, at);

CREATE TABLE staff_audit (
  seq      INTEGER PRIMARY KEY,
  at       TEXT NOT NULL,
  actor    TEXT NOT NULL,                     -- who did it ("system" for the hub itself)
  action   TEXT NOT NULL,                     -- "user.add", "login", "login.refused", ...
  subject  TEXT NOT NULL,                     -- whom or what it was done to
  detail   TEXT NOT NULL                      -- in words, never a password or token
);
CREATE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_audit
BEGIN SELECT RAISE(ABORT, 'staff_audit is append-only'); END;
CREATE TRIGGER staff_audit_no_delete BEFORE DELETE ON staff_audit
BEGIN SELECT RAISE(ABORT, 'staff_audit is append-only'); END;
