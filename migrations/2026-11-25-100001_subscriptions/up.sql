-- Subscriptions (docs/API.md, Subscriptions): the users cache columns, downgrade history
-- and transactions. Safe on a database the upstream Node server created (same names).
-- `user_subscriptions` itself is created by 2026-11-25-090000_inbox_and_tier.

ALTER TABLE users ADD COLUMN IF NOT EXISTS current_subscription_tier VARCHAR(20) NOT NULL DEFAULT 'free';
ALTER TABLE users ADD COLUMN IF NOT EXISTS subscription_status VARCHAR(20) NOT NULL DEFAULT 'active';
ALTER TABLE users ADD COLUMN IF NOT EXISTS group_limit INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN IF NOT EXISTS current_group_count INTEGER NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS idx_user_subscriptions_expiring
    ON user_subscriptions(expires_at) WHERE status IN ('active', 'cancelled', 'grace_period');

CREATE TABLE IF NOT EXISTS subscription_downgrade_history (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    downgrade_date TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    previous_tier VARCHAR(20) NOT NULL,
    groups_before_downgrade INTEGER NOT NULL,
    kept_group_id UUID REFERENCES groups(id) ON DELETE SET NULL,
    removed_group_ids UUID[] NOT NULL,
    created_at TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_downgrade_history_user
    ON subscription_downgrade_history(user_id, downgrade_date DESC);

CREATE TABLE IF NOT EXISTS subscription_transactions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    subscription_id UUID REFERENCES user_subscriptions(id) ON DELETE CASCADE,
    transaction_type VARCHAR(50),
    platform VARCHAR(20),
    platform_transaction_id VARCHAR(255),
    amount_cents INTEGER,
    currency VARCHAR(3),
    transaction_date TIMESTAMPTZ,
    raw_receipt TEXT,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    CONSTRAINT subscription_transactions_platform_platform_transaction_id_key
        UNIQUE (platform, platform_transaction_id)
);
CREATE INDEX IF NOT EXISTS idx_subscription_transactions_subscription
    ON subscription_transactions(subscription_id);
