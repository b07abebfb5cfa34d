-- Reactions, nudges, milestone grants and referral tokens (see docs/API.md, Reactions,
-- Nudges, Notifications). Safe on a database created by the Node server: every object is
-- created only when missing, under the Node server's names.

CREATE TABLE IF NOT EXISTS activity_reactions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    activity_id UUID NOT NULL REFERENCES group_activities(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    emoji VARCHAR(10) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'uq_reaction_user_activity') THEN
        ALTER TABLE activity_reactions
            ADD CONSTRAINT uq_reaction_user_activity UNIQUE (activity_id, user_id);
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS idx_activity_reactions_activity ON activity_reactions (activity_id);
CREATE INDEX IF NOT EXISTS idx_activity_reactions_user ON activity_reactions (user_id);

CREATE TABLE IF NOT EXISTS nudges (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    sender_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    recipient_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    goal_id UUID REFERENCES goals(id) ON DELETE SET NULL,
    sent_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    sender_local_date DATE NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_nudges_daily_limit
    ON nudges (sender_user_id, recipient_user_id, sender_local_date);
CREATE INDEX IF NOT EXISTS idx_nudges_recipient ON nudges (recipient_user_id, sent_at DESC);
CREATE INDEX IF NOT EXISTS idx_nudges_sender_date ON nudges (sender_user_id, sender_local_date);

CREATE TABLE IF NOT EXISTS user_milestone_grants (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    milestone_key VARCHAR(100) NOT NULL,
    goal_id UUID REFERENCES goals(id) ON DELETE SET NULL,
    granted_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (user_id, milestone_key)
);

CREATE TABLE IF NOT EXISTS referral_tokens (
    token VARCHAR(12) PRIMARY KEY,
    user_id UUID NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Active days of a goal (bit 0 = Sunday … bit 6 = Saturday; NULL = every day).
ALTER TABLE goals ADD COLUMN IF NOT EXISTS active_days INTEGER;

-- The worker's milestone detection is an outbox topic of its own.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'outbox_topic_check'
               AND pg_get_constraintdef(oid) NOT LIKE '%milestone%') THEN
        ALTER TABLE outbox DROP CONSTRAINT outbox_topic_check;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'outbox_topic_check') THEN
        ALTER TABLE outbox ADD CONSTRAINT outbox_topic_check
            CHECK (topic IN ('email', 'push', 'milestone')) NOT VALID;
    END IF;
END $$;
