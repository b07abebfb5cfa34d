-- Age verification and consents (docs/API.md, Age and consents). Safe on a database the
-- upstream Node server created: every object may already exist under the same name.

ALTER TABLE users ADD COLUMN IF NOT EXISTS age_verified BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE IF NOT EXISTS user_consents (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    consent_type VARCHAR(50) NOT NULL,
    action VARCHAR(10) NOT NULL DEFAULT 'grant',
    agreed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    ip_address VARCHAR(45),
    email_hash VARCHAR(64)
);

ALTER TABLE user_consents ADD COLUMN IF NOT EXISTS action VARCHAR(10) NOT NULL DEFAULT 'grant';
ALTER TABLE user_consents ADD COLUMN IF NOT EXISTS email_hash VARCHAR(64);

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'user_consents'::regclass AND contype = 'c'
          AND pg_get_constraintdef(oid) LIKE '%action%'
    ) THEN
        ALTER TABLE user_consents ADD CONSTRAINT user_consents_action_check
            CHECK (action IN ('grant', 'revoke'));
    END IF;
END $$;

CREATE INDEX IF NOT EXISTS idx_user_consents_user_id ON user_consents (user_id);
CREATE INDEX IF NOT EXISTS idx_user_consents_type_time
    ON user_consents (user_id, consent_type, agreed_at DESC);
