CREATE TABLE audit_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL only for events not tied to an organisation (a failed sign-in with an unknown e-mail).
    org_id       uuid REFERENCES organisations (id),
    actor_id     uuid REFERENCES users (id),
    -- 'user', 'system' or 'anonymous'; kept even if the user row is later purged.
    actor_kind   text NOT NULL CHECK (actor_kind IN ('user', 'system', 'anonymous')),
    action       text NOT NULL,
    object_type  text,
    object_id    text,
    ip           inet,
    detail       jsonb NOT NULL DEFAULT '{}'::jsonb,
    at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_events_org_at_idx ON audit_events (org_id, at DESC, id DESC);

-- Append-only, enforced by the database and not only by the application.
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();

CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
