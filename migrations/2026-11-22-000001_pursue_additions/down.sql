DROP TRIGGER IF EXISTS trg_notify_outbox ON outbox;
DROP FUNCTION IF EXISTS notify_outbox();
DROP TABLE IF EXISTS outbox;
DROP TABLE IF EXISTS idempotency_keys;
DROP INDEX IF EXISTS uq_progress_binary_log_date;
ALTER TABLE progress_entries DROP COLUMN IF EXISTS binary_log_date;

ALTER TABLE goals DROP CONSTRAINT goals_deleted_by_user_id_fkey;
ALTER TABLE goals ADD CONSTRAINT goals_deleted_by_user_id_fkey
    FOREIGN KEY (deleted_by_user_id) REFERENCES users(id);
ALTER TABLE goals DROP CONSTRAINT goals_created_by_user_id_fkey;
ALTER TABLE goals ADD CONSTRAINT goals_created_by_user_id_fkey
    FOREIGN KEY (created_by_user_id) REFERENCES users(id);
ALTER TABLE invite_codes DROP CONSTRAINT invite_codes_created_by_user_id_fkey;
ALTER TABLE invite_codes ADD CONSTRAINT invite_codes_created_by_user_id_fkey
    FOREIGN KEY (created_by_user_id) REFERENCES users(id);
-- Rows whose creator was purged keep a NULL creator; NOT NULL is restored only when
-- no such row exists, so the down migration never loses an invite.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM invite_codes WHERE created_by_user_id IS NULL) THEN
        ALTER TABLE invite_codes ALTER COLUMN created_by_user_id SET NOT NULL;
    END IF;
END $$;

ALTER TABLE devices DROP CONSTRAINT IF EXISTS chk_devices_platform;
ALTER TABLE goals DROP CONSTRAINT IF EXISTS chk_goals_metric_type;
ALTER TABLE goals DROP CONSTRAINT IF EXISTS chk_goals_cadence;
ALTER TABLE group_memberships DROP CONSTRAINT IF EXISTS chk_group_memberships_role;
