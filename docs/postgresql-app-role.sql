-- The app's own PostgreSQL role: it reads and writes the data, but the audit log is append-only
-- for it (INSERT and SELECT only), and it owns nothing, so it cannot alter or drop a table or
-- turn a trigger off. Migrations run as the owner role.
--
-- Once, as a superuser (choose your own passwords):
--   CREATE ROLE selfhelp_owner LOGIN PASSWORD '...';
--   CREATE ROLE selfhelp_app LOGIN PASSWORD '...';
--   CREATE DATABASE selfhelp OWNER selfhelp_owner;
--   \c selfhelp
--   ALTER SCHEMA public OWNER TO selfhelp_owner;
--   REVOKE ALL ON SCHEMA public FROM PUBLIC;
--
-- Then after every `selfhelp db-upgrade` (run with SELFHELP_DATABASE_URL naming selfhelp_owner),
-- as selfhelp_owner: psql -v ON_ERROR_STOP=1 -d selfhelp -f docs/postgresql-app-role.sql
-- tests/hardening/test_audit_role.py runs exactly this file.
GRANT USAGE ON SCHEMA public TO selfhelp_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO selfhelp_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO selfhelp_app;
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM selfhelp_app;
REVOKE ALL ON alembic_version FROM selfhelp_app;
GRANT SELECT ON alembic_version TO selfhelp_app;
