DROP TABLE IF EXISTS push_deliveries;
