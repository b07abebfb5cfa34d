-- Outcome of each (push event, device token) message, so that a push event retried after
-- a crash, a restart or an FCM outage never notifies the same device twice (decision D6).
-- Rows are pruned by the worker after a few days.
CREATE TABLE IF NOT EXISTS push_deliveries (
    event_id UUID NOT NULL,
    fcm_token VARCHAR(256) NOT NULL,
    user_id UUID NOT NULL,
    outcome VARCHAR(20) NOT NULL
        CHECK (outcome IN ('sent', 'logged', 'rejected', 'invalid_token')),
    detail TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (event_id, fcm_token)
);
CREATE INDEX IF NOT EXISTS idx_push_deliveries_created_at ON push_deliveries(created_at);
