-- The consent ledger (SPEC §3): append-only, enforced here, and hash-chained per
-- organisation so that an edit made behind the application's back is detectable.
CREATE TYPE consent_kind AS ENUM ('grant', 'revoke');
CREATE TYPE consent_level AS ENUM ('implied', 'express', 'express_written');
CREATE TYPE channel_family AS ENUM ('texts', 'calls', 'whatsapp');
CREATE TYPE consent_medium AS ENUM ('web_form', 'paper_form', 'in_person', 'sms_keyword', 'verbal_call', 'email', 'import');

CREATE TABLE consent_events (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id           uuid NOT NULL REFERENCES organisations (id),
    -- Position in the organisation's chain, from 1, without gaps.
    seq              bigint NOT NULL CHECK (seq >= 1),
    phone            text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    family           channel_family NOT NULL,
    kind             consent_kind NOT NULL,
    level            consent_level,
    categories       message_category[] NOT NULL CHECK (cardinality(categories) > 0),
    medium           consent_medium NOT NULL,
    -- The exact wording shown, and its SHA-256 so one wording used a thousand times is
    -- provably the same text.
    language         text,
    language_sha256  bytea,
    campaign         text,
    ip               inet,
    user_agent       text,
    person_name      text,
    -- NULL when the system captured it (a keyword, an import).
    captured_by      uuid REFERENCES users (id),
    source_ref       text,
    at               timestamptz NOT NULL,
    prev_hash        bytea,
    hash             bytea NOT NULL,
    CONSTRAINT consent_events_seq_key UNIQUE (org_id, seq),
    CHECK ((kind = 'grant') = (level IS NOT NULL))
);

CREATE INDEX consent_events_phone_idx ON consent_events (org_id, phone, family, seq);

CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER consent_events_append_only
    BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

CREATE TRIGGER consent_events_no_truncate
    BEFORE TRUNCATE ON consent_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();
