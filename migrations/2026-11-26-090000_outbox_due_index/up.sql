-- The worker claims the oldest due rows of the topics it handles:
--   WHERE status = 'pending' AND topic = ANY(...) AND available_at <= now()
--   ORDER BY available_at LIMIT n
-- An index led by `topic` cannot hand those rows over in `available_at` order across
-- several topics, so every claim read and sorted the whole pending backlog: the larger the
-- backlog, the slower the worker, and the larger the backlog. Led by `available_at`, a
-- claim reads about `n` index entries whatever the backlog. Both indexes are this
-- server's own (the outbox is not a table of the Node server).
CREATE INDEX IF NOT EXISTS idx_outbox_due ON outbox (available_at) WHERE status = 'pending';
DROP INDEX IF EXISTS idx_outbox_pending;
