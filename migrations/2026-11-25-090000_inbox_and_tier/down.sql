DROP TABLE IF EXISTS user_subscriptions;
DROP TABLE IF EXISTS user_notifications;
