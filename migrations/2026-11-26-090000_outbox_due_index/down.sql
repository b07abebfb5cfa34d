-- Puts the earlier claim index back.
CREATE INDEX IF NOT EXISTS idx_outbox_pending ON outbox (topic, available_at) WHERE status = 'pending';
DROP INDEX IF EXISTS idx_outbox_due;
