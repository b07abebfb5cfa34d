DROP TABLE IF EXISTS subscription_transactions;
DROP TABLE IF EXISTS subscription_downgrade_history;
ALTER TABLE users DROP COLUMN IF EXISTS current_group_count;
ALTER TABLE users DROP COLUMN IF EXISTS group_limit;
ALTER TABLE users DROP COLUMN IF EXISTS subscription_status;
ALTER TABLE users DROP COLUMN IF EXISTS current_subscription_tier;
