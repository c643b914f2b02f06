-- Consent per contact channel (issue 14): the newest explicit statement the
-- customer made at this store about SMS, WeChat and phone calls, each as the
-- JSON object the change log carries in the field of the same name:
--   {"choice": "opted-in" | "opted-out", "at": UTC text, "site": store, "staff": who}
-- NULL: never stated here since this version (see contact_opt_in). Every
-- statement the desk takes is logged, even one that restates the value held,
-- so the hub can order it against statements made at other stores.
--
-- contact_opt_in (0001) stays as it was: the old all-channel field, read from
-- old changes (an explicit true or a later false covers all three channels; the
-- creation default 0 is no statement). This version never writes it.
ALTER TABLE customers ADD COLUMN consent_sms TEXT
  CHECK (consent_sms IS NULL OR json_valid(consent_sms));
ALTER TABLE customers ADD COLUMN consent_wechat TEXT
  CHECK (consent_wechat IS NULL OR json_valid(consent_wechat));
ALTER TABLE customers ADD COLUMN consent_call TEXT
  CHECK (consent_call IS NULL OR json_valid(consent_call));
