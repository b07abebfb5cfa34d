-- Pursue v1 schema (docs/ARCHITECTURE.md, Database). Table and column names match the
-- original Node server so a database it created can be served unchanged: every
-- statement is a no-op where the Node server already created the object under the same
-- name (see docs/OPERATIONS.md, "Switching over from the Node server").
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE IF NOT EXISTS users (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    email VARCHAR(255) NOT NULL UNIQUE,
    display_name VARCHAR(100) NOT NULL,
    avatar_url TEXT,
    avatar_data BYTEA,
    avatar_mime_type VARCHAR(50),
    password_hash VARCHAR(255),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_users_email ON users(email);
CREATE OR REPLACE TRIGGER update_users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE IF NOT EXISTS auth_providers (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider VARCHAR(50) NOT NULL,
    provider_user_id VARCHAR(255) NOT NULL,
    provider_email VARCHAR(255),
    linked_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (provider, provider_user_id),
    UNIQUE (user_id, provider)
);
CREATE INDEX IF NOT EXISTS idx_auth_providers_user_id ON auth_providers(user_id);
CREATE INDEX IF NOT EXISTS idx_auth_providers_provider_lookup ON auth_providers(provider, provider_user_id);

CREATE TABLE IF NOT EXISTS refresh_tokens (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash VARCHAR(255) NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_refresh_tokens_user_id ON refresh_tokens(user_id);
CREATE INDEX IF NOT EXISTS idx_refresh_tokens_token_hash ON refresh_tokens(token_hash);

CREATE TABLE IF NOT EXISTS password_reset_tokens (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash VARCHAR(255) NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    used_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_password_reset_tokens_user_id ON password_reset_tokens(user_id);
CREATE INDEX IF NOT EXISTS idx_password_reset_tokens_token_hash ON password_reset_tokens(token_hash);

CREATE TABLE IF NOT EXISTS devices (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    fcm_token VARCHAR(256) NOT NULL UNIQUE,
    device_name VARCHAR(128),
    platform VARCHAR(20),
    last_active TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_devices_user_id ON devices(user_id);
CREATE INDEX IF NOT EXISTS idx_devices_fcm_token ON devices(fcm_token);
CREATE INDEX IF NOT EXISTS idx_devices_user_created ON devices(user_id, created_at DESC);

CREATE TABLE IF NOT EXISTS groups (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    name VARCHAR(100) NOT NULL,
    description TEXT,
    icon_emoji VARCHAR(10),
    icon_color VARCHAR(7),
    icon_url TEXT,
    icon_data BYTEA,
    icon_mime_type VARCHAR(50),
    creator_user_id UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_groups_creator ON groups(creator_user_id);
CREATE INDEX IF NOT EXISTS idx_groups_creator_active ON groups(creator_user_id) WHERE deleted_at IS NULL;
CREATE OR REPLACE TRIGGER update_groups_updated_at BEFORE UPDATE ON groups
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE IF NOT EXISTS group_memberships (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role VARCHAR(20) NOT NULL,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (group_id, user_id)
);
CREATE INDEX IF NOT EXISTS idx_group_memberships_group ON group_memberships(group_id);
CREATE INDEX IF NOT EXISTS idx_group_memberships_user ON group_memberships(user_id);
CREATE INDEX IF NOT EXISTS idx_group_memberships_group_role ON group_memberships(group_id, role);

CREATE TABLE IF NOT EXISTS invite_codes (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    code VARCHAR(50) NOT NULL UNIQUE,
    created_by_user_id UUID NOT NULL REFERENCES users(id),
    max_uses INT,
    current_uses INT DEFAULT 0,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_invite_codes_group ON invite_codes(group_id);
CREATE INDEX IF NOT EXISTS idx_invite_codes_code ON invite_codes(code);

CREATE OR REPLACE FUNCTION enforce_invite_max_uses() RETURNS TRIGGER AS $$
BEGIN
    IF NEW.max_uses IS NOT NULL AND NEW.current_uses > NEW.max_uses THEN
        RAISE EXCEPTION 'INVITE_MAX_USES_EXCEEDED: invite % used % of % times',
            NEW.code, NEW.current_uses, NEW.max_uses;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER trg_enforce_invite_max_uses BEFORE INSERT OR UPDATE ON invite_codes
    FOR EACH ROW EXECUTE FUNCTION enforce_invite_max_uses();

CREATE TABLE IF NOT EXISTS goals (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL,
    description TEXT,
    cadence VARCHAR(20) NOT NULL,
    metric_type VARCHAR(20) NOT NULL,
    target_value DECIMAL(10,2),
    unit VARCHAR(50),
    created_by_user_id UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ,
    deleted_by_user_id UUID REFERENCES users(id)
);
CREATE INDEX IF NOT EXISTS idx_goals_group ON goals(group_id);
CREATE INDEX IF NOT EXISTS idx_goals_group_active ON goals(group_id) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS idx_goals_group_deleted_created ON goals(group_id, deleted_at, created_at DESC);

CREATE TABLE IF NOT EXISTS progress_entries (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    goal_id UUID NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    value DECIMAL(10,2) NOT NULL,
    note TEXT,
    logged_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    period_start DATE NOT NULL,
    user_timezone VARCHAR(50),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_progress_goal_user_period ON progress_entries(goal_id, user_id, period_start);
CREATE INDEX IF NOT EXISTS idx_progress_user_logged ON progress_entries(user_id, logged_at DESC);
CREATE INDEX IF NOT EXISTS idx_progress_period_start ON progress_entries(period_start);
CREATE INDEX IF NOT EXISTS idx_progress_goal_period ON progress_entries(goal_id, period_start DESC);
CREATE INDEX IF NOT EXISTS idx_progress_goal_user_period_desc ON progress_entries(goal_id, user_id, period_start DESC);
CREATE INDEX IF NOT EXISTS idx_progress_user_period ON progress_entries(user_id, period_start);

CREATE TABLE IF NOT EXISTS group_activities (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    activity_type VARCHAR(50) NOT NULL,
    metadata JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_group_activities_group_created ON group_activities(group_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_group_activities_type ON group_activities(activity_type);

-- Hard caps (contract 2.13). The application checks first; these triggers are the backstop.
CREATE OR REPLACE FUNCTION enforce_user_group_limit() RETURNS TRIGGER AS $$
BEGIN
    IF (SELECT COUNT(*) FROM groups
        WHERE creator_user_id = NEW.creator_user_id AND deleted_at IS NULL) >= 10 THEN
        RAISE EXCEPTION 'USER_GROUP_LIMIT_EXCEEDED: user % already created 10 groups',
            NEW.creator_user_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER trg_enforce_user_group_limit BEFORE INSERT ON groups
    FOR EACH ROW EXECUTE FUNCTION enforce_user_group_limit();

CREATE OR REPLACE FUNCTION enforce_membership_limits() RETURNS TRIGGER AS $$
BEGIN
    IF (SELECT COUNT(*) FROM group_memberships WHERE user_id = NEW.user_id) >= 10 THEN
        RAISE EXCEPTION 'USER_GROUP_MEMBERSHIP_LIMIT_EXCEEDED: user % already belongs to 10 groups',
            NEW.user_id;
    END IF;
    IF (SELECT COUNT(*) FROM group_memberships WHERE group_id = NEW.group_id) >= 50 THEN
        RAISE EXCEPTION 'GROUP_MEMBER_LIMIT_EXCEEDED: group % already has 50 members',
            NEW.group_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER trg_enforce_membership_limits BEFORE INSERT ON group_memberships
    FOR EACH ROW EXECUTE FUNCTION enforce_membership_limits();

CREATE OR REPLACE FUNCTION enforce_group_goals_limit() RETURNS TRIGGER AS $$
BEGIN
    IF (SELECT COUNT(*) FROM goals WHERE group_id = NEW.group_id AND deleted_at IS NULL) >= 100 THEN
        RAISE EXCEPTION 'GROUP_GOALS_LIMIT_EXCEEDED: group % already has 100 active goals',
            NEW.group_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER trg_enforce_group_goals_limit BEFORE INSERT ON goals
    FOR EACH ROW EXECUTE FUNCTION enforce_group_goals_limit();
