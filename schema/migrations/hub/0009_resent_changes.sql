-- How many changes each store sent again that the hub had already applied (a
-- sync process killed before it read the ack, a lost ack): the cost of
-- resuming, kept so `stores` and tests can bound it.
ALTER TABLE store_cursors ADD COLUMN resent_changes INTEGER NOT NULL DEFAULT 0;
