-- An entity's fields carry one base clock (the change that created it); only
-- fields changed since have their own entry in field_hlcs. Lets the hub store
-- an inserted entity exactly as the store wrote it.
ALTER TABLE entities ADD COLUMN base_hlc INTEGER NOT NULL DEFAULT 0;
