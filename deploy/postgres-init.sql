-- The replicas' role: rows only (migrate --grant coe_app gives it the schema's tables, sequences and functions).
CREATE ROLE coe_app LOGIN PASSWORD 'app-secret';
