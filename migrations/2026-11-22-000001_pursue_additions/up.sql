-- Additive changes on top of the v1 schema (decisions D1, D2, D3, D6, D8).
-- Every change holds on data written by the Node server: CHECKs are NOT VALID
-- (they guard new rows only) and new columns are nullable.

-- Enumerations the API accepts.
-- Each is added only when absent (a database the Node server created may hold them).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'chk_group_memberships_role') THEN
        ALTER TABLE group_memberships ADD CONSTRAINT chk_group_memberships_role
            CHECK (role IN ('creator', 'admin', 'member')) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'chk_goals_cadence') THEN
        ALTER TABLE goals ADD CONSTRAINT chk_goals_cadence
            CHECK (cadence IN ('daily', 'weekly', 'monthly', 'yearly')) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'chk_goals_metric_type') THEN
        ALTER TABLE goals ADD CONSTRAINT chk_goals_metric_type
            CHECK (metric_type IN ('binary', 'numeric', 'duration')) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'chk_devices_platform') THEN
        ALTER TABLE devices ADD CONSTRAINT chk_devices_platform
            CHECK (platform IS NULL OR platform IN ('android', 'ios', 'web')) NOT VALID;
    END IF;
END $$;

-- D8: purging a user must not trip over references that have no ON DELETE action.
ALTER TABLE invite_codes ALTER COLUMN created_by_user_id DROP NOT NULL;
ALTER TABLE invite_codes DROP CONSTRAINT IF EXISTS invite_codes_created_by_user_id_fkey;
ALTER TABLE invite_codes ADD CONSTRAINT invite_codes_created_by_user_id_fkey
    FOREIGN KEY (created_by_user_id) REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE goals DROP CONSTRAINT IF EXISTS goals_created_by_user_id_fkey;
ALTER TABLE goals ADD CONSTRAINT goals_created_by_user_id_fkey
    FOREIGN KEY (created_by_user_id) REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE goals DROP CONSTRAINT IF EXISTS goals_deleted_by_user_id_fkey;
ALTER TABLE goals ADD CONSTRAINT goals_deleted_by_user_id_fkey
    FOREIGN KEY (deleted_by_user_id) REFERENCES users(id) ON DELETE SET NULL;

-- D2: a binary goal takes at most one entry per user and local date. The date is
-- copied here for binary goals only (NULL otherwise), so the unique index closes
-- the duplicate-insert race without touching numeric and duration entries.
ALTER TABLE progress_entries ADD COLUMN IF NOT EXISTS binary_log_date DATE;
CREATE UNIQUE INDEX IF NOT EXISTS uq_progress_binary_log_date
    ON progress_entries(goal_id, user_id, binary_log_date);

-- D3: Idempotency-Key on POST /api/progress. The first successful response is kept
-- for 24 hours and replayed for retries with the same key.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash VARCHAR(64) NOT NULL,
    response_status SMALLINT NOT NULL,
    response_body JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS idx_idempotency_keys_created ON idempotency_keys(created_at);

-- D6: side effects (push, e-mail) are written here in the transaction that causes
-- them and delivered by the worker after commit.
CREATE TABLE IF NOT EXISTS outbox (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    topic VARCHAR(20) NOT NULL CHECK (topic IN ('email', 'push')),
    payload JSONB NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'failed')),
    attempts INT NOT NULL DEFAULT 0,
    available_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    processed_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_outbox_pending ON outbox(topic, available_at) WHERE status = 'pending';

CREATE OR REPLACE FUNCTION notify_outbox() RETURNS TRIGGER AS $$
BEGIN
    PERFORM pg_notify('pursue_outbox', NEW.topic);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER trg_notify_outbox AFTER INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION notify_outbox();
