-- Resolution reads every record and link, computes outside any transaction
-- (seconds over a million records) and writes its plan in one. Two processes
-- resolving at once (the daemon's upkeep and `customers resolve` or a merge
-- by hand) would both write plans computed from the same links, and the
-- second would mint ids the first already minted. Each plan written counts
-- one generation; a plan computed from an older generation is not written,
-- and resolution runs again on what the other wrote (hub/identity.cc).
ALTER TABLE identity_state ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
