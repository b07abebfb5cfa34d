-- Keeps every column, constraint and row (they may predate this migration on a Node
-- database); only our own index goes.
DROP INDEX IF EXISTS idx_activities_progress_entry;
