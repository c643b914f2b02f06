-- The newest seq each store has reported having (in hellos and batches):
-- with last_seq, how many of its changes are still on their way.
ALTER TABLE store_cursors ADD COLUMN reported_seq INTEGER NOT NULL DEFAULT 0;
