-- The columns and rows stay (they may hold data an older server wrote); only what this
-- migration alone adds is removed.
DROP INDEX IF EXISTS idx_invite_codes_active_per_group;
DROP INDEX IF EXISTS idx_memberships_pending;
ALTER TABLE group_memberships DROP CONSTRAINT IF EXISTS chk_group_memberships_status;
