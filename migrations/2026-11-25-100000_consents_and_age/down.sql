DROP TABLE IF EXISTS user_consents;
ALTER TABLE users DROP COLUMN IF EXISTS age_verified;
