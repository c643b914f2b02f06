-- Head office shutting a store out (outpost-hub deny): the store's current key
-- is marked denied here, with who did it, when and why. A store whose current
-- key (stores.key_id) is denied has every message refused and logged; its log,
-- cursor and data stay. Allowing a new key readmits it; a denied key is never
-- allowed again.
ALTER TABLE store_key_history ADD COLUMN denied_at TEXT;
ALTER TABLE store_key_history ADD COLUMN denied_by TEXT;
ALTER TABLE store_key_history ADD COLUMN denied_reason TEXT;
