-- Keeps user data: only the outbox topic constraint is narrowed back when no row needs it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM outbox WHERE topic = 'milestone') THEN
        ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_topic_check;
        ALTER TABLE outbox ADD CONSTRAINT outbox_topic_check
            CHECK (topic IN ('email', 'push')) NOT VALID;
    END IF;
END $$;
