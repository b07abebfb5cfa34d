-- Reverts the goal extensions (development only: this drops journal prompts, active days,
-- log titles, stored zones and reactions). Never run it against a database in use.
DROP INDEX IF EXISTS idx_activities_progress_entry;
DROP INDEX IF EXISTS idx_progress_user_logged_at_id;
DROP INDEX IF EXISTS idx_progress_goal_period_user;
DROP TABLE IF EXISTS activity_reactions;
ALTER TABLE goals DROP CONSTRAINT IF EXISTS chk_active_days_cadence;
ALTER TABLE goals DROP CONSTRAINT IF EXISTS chk_active_days;
ALTER TABLE goals DROP CONSTRAINT IF EXISTS goals_metric_type_check;
ALTER TABLE goals ADD CONSTRAINT chk_goals_metric_type
    CHECK (metric_type IN ('binary', 'numeric', 'duration')) NOT VALID;
ALTER TABLE goals DROP COLUMN IF EXISTS active_days;
ALTER TABLE goals DROP COLUMN IF EXISTS log_title_prompt;
ALTER TABLE progress_entries DROP COLUMN IF EXISTS log_title;
ALTER TABLE users DROP COLUMN IF EXISTS timezone;
