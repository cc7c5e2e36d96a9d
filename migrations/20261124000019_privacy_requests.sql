-- Privacy (data-subject) requests, SPEC §4: what was asked, by whom, when it is due, how
-- the requester proved who they are, and what was done. Every step is also an audit event
-- on the request (object_type 'privacy_request'), which is the request's history.
CREATE TYPE privacy_request_kind AS ENUM
    ('access', 'portability', 'correction', 'deletion', 'restriction', 'marketing_opt_out');
CREATE TYPE privacy_request_status AS ENUM
    ('received', 'verified', 'in_progress', 'completed', 'rejected');

CREATE TABLE privacy_requests (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id            uuid NOT NULL REFERENCES organisations (id),
    kind              privacy_request_kind NOT NULL,
    requester_name    text NOT NULL CHECK (length(trim(requester_name)) BETWEEN 1 AND 200),
    email             text CHECK (email = lower(email)),
    phone             text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    details           text CHECK (length(details) <= 5000),
    -- How it reached us: the public page, or staff entering what came by e-mail or phone.
    received_via      text NOT NULL CHECK (received_via IN ('web', 'email', 'phone', 'in_person')),
    status            privacy_request_status NOT NULL DEFAULT 'received',
    rejection_reason  text,
    assignee          uuid REFERENCES users (id),
    received_at       timestamptz NOT NULL DEFAULT now(),
    due_on            date NOT NULL,
    completed_at      timestamptz,
    -- The one-time code: only its hash is kept, with where it went and until when it works.
    code_hash         bytea,
    code_sent_to      text,
    code_expires_at   timestamptz,
    code_attempts     integer NOT NULL DEFAULT 0,
    verified_at       timestamptz,
    -- What the execution produced: the report of a deletion, the manifest of a bundle.
    result            jsonb,
    bundle            bytea,
    created_by        uuid REFERENCES users (id),
    CHECK (email IS NOT NULL OR phone IS NOT NULL),
    CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
);

CREATE INDEX privacy_requests_open_idx ON privacy_requests (org_id, status, due_on);
CREATE INDEX privacy_requests_received_idx ON privacy_requests (org_id, received_at DESC, id DESC);

-- The organisation's policies: the answer deadline, and how long communications are kept.
ALTER TABLE organisations
    ADD COLUMN request_deadline_kind text NOT NULL DEFAULT 'calendar'
        CHECK (request_deadline_kind IN ('calendar', 'business')),
    ADD COLUMN request_deadline_days integer NOT NULL DEFAULT 30
        CHECK (request_deadline_days BETWEEN 1 AND 90),
    ADD COLUMN subscription_ends_on date,
    ADD COLUMN communications_max_age_days integer
        CHECK (communications_max_age_days BETWEEN 30 AND 36500);

-- A restricted lead (a privacy request): nothing is sent to it and no AI reads it.
ALTER TABLE leads ADD COLUMN restricted_at timestamptz;
-- An erased lead keeps its row (so messages' delivery records stay linked) and nothing
-- that identifies the person.
ALTER TABLE leads ADD COLUMN erased_at timestamptz;
ALTER TABLE leads DROP CONSTRAINT leads_check1;
ALTER TABLE leads ADD CONSTRAINT leads_contact_check
    CHECK (email IS NOT NULL OR phone IS NOT NULL OR erased_at IS NOT NULL);

-- Mail sent through the built-in local mail provider: it delivers nowhere and keeps a copy,
-- as the local SMS provider marks messages simulated.
CREATE TABLE outbound_mail (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organisations (id),
    recipient   text NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbound_mail_org_idx ON outbound_mail (org_id, created_at DESC);

-- The audit log page filters by person and by action.
CREATE INDEX audit_events_actor_idx ON audit_events (org_id, actor_id, at DESC);
CREATE INDEX audit_events_action_idx ON audit_events (org_id, action, at DESC);

ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_purpose_check;
ALTER TABLE messages ADD CONSTRAINT messages_purpose_check
    CHECK (purpose IN ('opt_out_confirmation', 'opt_in_confirmation', 'help', 'privacy'));
