-- Whether the hub said, in its last answer, that it opens zstd-compressed
-- envelopes: the store then compresses its batches. Older hubs never say so.
ALTER TABLE sync_state ADD COLUMN hub_reads_zstd INTEGER NOT NULL DEFAULT 0;
