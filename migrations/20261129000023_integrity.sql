-- Issue 11: least privilege, an anchored ledger, sends whose fate is recorded, and
-- audit details that retention can redact. See decision 13.

-- The runtime role the server connects as. Migrations run as the owner; creating the role
-- needs CREATEROLE, which a production owner may lack: then the database administrator
-- creates it first (README, "Production"), and this only grants.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'consentdesk_app') THEN
        CREATE ROLE consentdesk_app NOLOGIN;
    END IF;
EXCEPTION
    -- Another database of the cluster created it at the same moment (parallel tests).
    WHEN duplicate_object OR unique_violation THEN NULL;
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'cannot create the role consentdesk_app (%); create it before migrating', SQLERRM;
END
$$;

-- The audit log refuses every change, except the one redaction retention makes through
-- `redact_audit_details` below: only while that function runs as the table's owner, and
-- only of the `detail` column.
CREATE OR REPLACE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('consentdesk.redacting', true) = 'on'
       AND current_user = (SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_events')
       AND (OLD.id, OLD.org_id, OLD.actor_id, OLD.actor_kind, OLD.action, OLD.object_type, OLD.object_id, OLD.ip, OLD.at)
           IS NOT DISTINCT FROM
           (NEW.id, NEW.org_id, NEW.actor_id, NEW.actor_kind, NEW.action, NEW.object_type, NEW.object_id, NEW.ip, NEW.at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Personal data that older audit details may carry (an e-mail, search filters): retention
-- removes those keys from events older than the organisation's communications cut-off.
CREATE FUNCTION redact_audit_details(p_org uuid, p_before timestamptz, p_limit integer)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    personal text[] := ARRAY['email', 'name', 'phone', 'filters', 'q', 'recipient'];
    n bigint;
BEGIN
    PERFORM set_config('consentdesk.redacting', 'on', true);
    UPDATE audit_events SET detail = (detail - personal) || '{"redacted": true}'::jsonb
    WHERE id IN (SELECT id FROM audit_events
                 WHERE org_id = p_org AND at < p_before AND detail ?| personal
                 LIMIT p_limit);
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('consentdesk.redacting', 'off', true);
    RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION redact_audit_details(uuid, timestamptz, integer) FROM PUBLIC;

-- The ledger's anchor: each event also carries an HMAC of its canonical content under a
-- key that lives outside the database (LEDGER_KEY), and so does the recorded head. Whoever
-- can write the table can recompute SHA-256 hashes, not these.
ALTER TABLE consent_events ADD COLUMN mac bytea;
ALTER TABLE organisations ADD COLUMN consent_head_mac bytea;

-- A send in flight: claimed and committed before the carrier is called, settled in a
-- second transaction. A row left `sending` (the worker stopped) is never sent again: its
-- message becomes `unknown` and a person decides.
ALTER TYPE delivery_status ADD VALUE IF NOT EXISTS 'sending';
ALTER TYPE delivery_status ADD VALUE IF NOT EXISTS 'unknown';
ALTER TABLE outbox
    ADD COLUMN state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending')),
    ADD COLUMN attempt_id uuid,
    ADD COLUMN claimed_at timestamptz;
CREATE INDEX outbox_sending_idx ON outbox (claimed_at) WHERE state = 'sending';

-- Call status callbacks can arrive out of order: the furthest status wins.
CREATE FUNCTION call_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE status
        WHEN 'queued' THEN 1 WHEN 'initiated' THEN 2 WHEN 'ringing' THEN 3 WHEN 'in-progress' THEN 4
        WHEN 'completed' THEN 5 WHEN 'busy' THEN 5 WHEN 'no-answer' THEN 5 WHEN 'failed' THEN 5
        WHEN 'canceled' THEN 5 ELSE 0 END
$$;

-- Browsers an account signed in from before: a guesser spread over many addresses is held
-- back per account, but the owner's own browser is not (only the token's hash is kept).
CREATE TABLE known_devices (
    token_hash    bytea PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX known_devices_user_idx ON known_devices (user_id);

-- Lead pages, assignment events and privacy requests find a lead's conversations.
CREATE INDEX conversations_lead_idx ON conversations (lead_id);

-- Chats from before claims were checked were attached by what the visitor typed: they
-- end, and whoever holds their token reads nothing more.
UPDATE conversations SET visitor_token_hash = NULL, ended_at = coalesce(ended_at, now())
WHERE channel = 'chat' AND claimed_phone IS NULL AND claimed_email IS NULL AND verified_at IS NULL;

-- What the runtime role may do: read and write the application's tables, but only read
-- and append the consent ledger and the audit log; no TRUNCATE, no ownership (so no
-- disabling of triggers), and only read the migration history.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'consentdesk_app') THEN
        GRANT USAGE ON SCHEMA public TO consentdesk_app;
        GRANT USAGE ON SCHEMA tower_sessions TO consentdesk_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO consentdesk_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tower_sessions TO consentdesk_app;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO consentdesk_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON consent_events, audit_events FROM consentdesk_app;
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _sqlx_migrations FROM consentdesk_app;
        GRANT EXECUTE ON FUNCTION redact_audit_details(uuid, timestamptz, integer) TO consentdesk_app;
        -- Tables later migrations add get the same (the owner runs them).
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO consentdesk_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO consentdesk_app;
    END IF;
END
$$;
