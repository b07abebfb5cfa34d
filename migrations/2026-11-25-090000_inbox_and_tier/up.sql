-- The notification inbox (docs/API.md, "Notification inbox") and purchased subscriptions
-- (docs/API.md, "Subscriptions"), under the names the upstream Node server uses. A database
-- that server created may already hold both tables: every statement is a no-op there.

CREATE TABLE IF NOT EXISTS user_notifications (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type VARCHAR(50) NOT NULL,
    actor_user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    group_id UUID REFERENCES groups(id) ON DELETE CASCADE,
    goal_id UUID REFERENCES goals(id) ON DELETE CASCADE,
    progress_entry_id UUID REFERENCES progress_entries(id) ON DELETE CASCADE,
    metadata JSONB,
    shareable_card_data JSONB,
    is_read BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_user_notifications_user_created
    ON user_notifications(user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_user_notifications_unread
    ON user_notifications(user_id) WHERE is_read = FALSE;
CREATE INDEX IF NOT EXISTS idx_user_notifications_shareable
    ON user_notifications(user_id, type) WHERE shareable_card_data IS NOT NULL;

CREATE TABLE IF NOT EXISTS user_subscriptions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tier VARCHAR(20),
    status VARCHAR(20),
    started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    platform VARCHAR(20),
    platform_subscription_id VARCHAR(255),
    platform_purchase_token TEXT,
    auto_renew BOOLEAN DEFAULT TRUE,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    CONSTRAINT user_subscriptions_user_id_started_at_key UNIQUE (user_id, started_at)
);
CREATE INDEX IF NOT EXISTS idx_user_subscriptions_user ON user_subscriptions(user_id);

-- One purchase token belongs to one account. The upstream server accepted any token, so
-- an adopted database may hold duplicates: then the index is left out (the application
-- still refuses a token held by another account) and the operator is told.
DO $$
BEGIN
    IF to_regclass('uq_user_subscriptions_purchase_token') IS NULL THEN
        IF EXISTS (
            SELECT 1 FROM user_subscriptions
            WHERE platform_purchase_token IS NOT NULL
            GROUP BY platform, platform_purchase_token HAVING COUNT(*) > 1
        ) THEN
            RAISE NOTICE 'user_subscriptions holds duplicate purchase tokens; unique index not created';
        ELSE
            CREATE UNIQUE INDEX uq_user_subscriptions_purchase_token
                ON user_subscriptions(platform, platform_purchase_token);
        END IF;
    END IF;
END
$$;
