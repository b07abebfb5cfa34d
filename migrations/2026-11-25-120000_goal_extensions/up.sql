-- Goal extensions: journal goals, active days, log titles, the user's time zone, and
-- the indexes behind the progress views (see docs/API.md, Goals and Progress views).
-- Safe on a database created by the Node server, where these columns, constraints and
-- indexes may already exist under the same names.

ALTER TABLE goals ADD COLUMN IF NOT EXISTS active_days INTEGER;
ALTER TABLE goals ADD COLUMN IF NOT EXISTS log_title_prompt VARCHAR(80);
ALTER TABLE progress_entries ADD COLUMN IF NOT EXISTS log_title VARCHAR(120);
ALTER TABLE users ADD COLUMN IF NOT EXISTS timezone VARCHAR(50) DEFAULT 'UTC';
-- Membership states (pending join requests); the progress views read active members.
ALTER TABLE group_memberships ADD COLUMN IF NOT EXISTS status VARCHAR(20) NOT NULL DEFAULT 'active';

DO $$
BEGIN
    -- Our own enum check predates journal goals; the upstream name carries the rule now.
    IF EXISTS (SELECT 1 FROM pg_constraint
               WHERE conname = 'chk_goals_metric_type' AND conrelid = 'goals'::regclass) THEN
        ALTER TABLE goals DROP CONSTRAINT chk_goals_metric_type;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_constraint
               WHERE conname = 'goals_metric_type_check' AND conrelid = 'goals'::regclass
                 AND pg_get_constraintdef(oid) NOT LIKE '%journal%') THEN
        ALTER TABLE goals DROP CONSTRAINT goals_metric_type_check;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conname = 'goals_metric_type_check' AND conrelid = 'goals'::regclass) THEN
        ALTER TABLE goals ADD CONSTRAINT goals_metric_type_check
            CHECK (metric_type IN ('binary', 'numeric', 'duration', 'journal')) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conname = 'chk_active_days' AND conrelid = 'goals'::regclass) THEN
        ALTER TABLE goals ADD CONSTRAINT chk_active_days
            CHECK (active_days IS NULL OR (active_days >= 1 AND active_days <= 127));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conname = 'chk_active_days_cadence' AND conrelid = 'goals'::regclass) THEN
        ALTER TABLE goals ADD CONSTRAINT chk_active_days_cadence
            CHECK (active_days IS NULL OR cadence = 'daily');
    END IF;
END
$$;

CREATE INDEX IF NOT EXISTS idx_progress_goal_period_user
    ON progress_entries(goal_id, period_start, user_id, logged_at DESC);
CREATE INDEX IF NOT EXISTS idx_progress_user_logged_at_id
    ON progress_entries(user_id, logged_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS idx_activities_progress_entry
    ON group_activities((metadata->>'progress_entry_id'))
    WHERE activity_type = 'progress_logged';

-- Reactions on feed items (the member history shows their counts per entry).
CREATE TABLE IF NOT EXISTS activity_reactions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    activity_id UUID NOT NULL REFERENCES group_activities(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    emoji VARCHAR(10) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_reaction_user_activity UNIQUE (activity_id, user_id)
);
CREATE INDEX IF NOT EXISTS idx_reactions_activity ON activity_reactions(activity_id);
CREATE INDEX IF NOT EXISTS idx_reactions_user ON activity_reactions(user_id);
