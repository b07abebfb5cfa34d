-- Reverts the social tables (a full rollback; production never runs it on live data).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM outbox WHERE topic = 'milestone') THEN
        ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_topic_check;
        ALTER TABLE outbox ADD CONSTRAINT outbox_topic_check
            CHECK (topic IN ('email', 'push')) NOT VALID;
    END IF;
END $$;
DROP TABLE IF EXISTS referral_tokens;
DROP TABLE IF EXISTS user_milestone_grants;
DROP TABLE IF EXISTS nudges;
DROP TABLE IF EXISTS activity_reactions;
