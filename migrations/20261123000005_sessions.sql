-- The tower-sessions PostgreSQL store's table, owned by our migrations so that the
-- schema is created once, in order, and never by the application at start-up.
CREATE SCHEMA IF NOT EXISTS tower_sessions;

CREATE TABLE IF NOT EXISTS tower_sessions.session (
    id           text PRIMARY KEY NOT NULL,
    data         bytea NOT NULL,
    expiry_date  timestamptz NOT NULL
);
