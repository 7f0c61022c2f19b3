-- The application's database account (aftersales_app): it reads and writes rows and nothing else. Run by the
-- migrator, the role that owns the database and runs the migrations, so it owns every table: the application can
-- neither change the schema nor rewrite the personal-data read log (whose trigger also refuses updates, deletes and
-- truncation, migration 0018). Expects the setting aftersales.app_password (deploy/postgres/initdb/10-least-privilege.sh).
DO $$
DECLARE
    app_password text := current_setting('aftersales.app_password');
BEGIN
    IF app_password IS NULL OR length(app_password) < 12 THEN
        RAISE EXCEPTION 'the application account needs a password of at least 12 characters (APP_DB_PASSWORD)';
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aftersales_app') THEN
        EXECUTE format('CREATE ROLE aftersales_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', app_password);
    ELSE
        EXECUTE format('ALTER ROLE aftersales_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', app_password);
    END IF;

    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO aftersales_app', current_database());
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO aftersales_app;

-- Whatever the migrator creates from now on, and what it created before this ran.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO aftersales_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO aftersales_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO aftersales_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO aftersales_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO aftersales_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO aftersales_app;
