-- The AI assistant (issue 14): per-organisation provider and autopilot settings, the
-- insight on each lead, a job queue for background work, and a log of every AI call
-- (never a message body).
CREATE TYPE lead_intent AS ENUM
    ('buying', 'service', 'financing', 'trade_in', 'appointment', 'question', 'complaint', 'opt_out');
CREATE TYPE ai_provider AS ENUM ('builtin', 'anthropic', 'openai');
CREATE TYPE ai_handoff AS ENUM
    ('opt_out', 'complaint', 'asked_for_person', 'commitment', 'low_confidence',
     'provider_failure', 'no_progress', 'promotional', 'restricted');

CREATE TABLE ai_settings (
    org_id                  uuid PRIMARY KEY REFERENCES organisations (id),
    provider                ai_provider NOT NULL DEFAULT 'builtin',
    model                   text,
    -- The API root; for OpenAI-compatible servers also a self-hosted one.
    api_base_url            text,
    api_key_enc             bytea,
    -- Shown to managers instead of the key.
    api_key_last4           text,
    -- Autopilot: off unless channels are listed.
    autopilot_channels      channel[] NOT NULL DEFAULT '{}',
    -- Answer when no person has within this many minutes (outside business hours at once).
    autopilot_after_minutes integer NOT NULL DEFAULT 5 CHECK (autopilot_after_minutes BETWEEN 0 AND 1440),
    -- Business hours in the organisation's zone: days 1 (Monday) to 7, hours 0–24.
    business_days           smallint[] NOT NULL DEFAULT '{1,2,3,4,5,6}',
    opens_at                smallint NOT NULL DEFAULT 9 CHECK (opens_at BETWEEN 0 AND 23),
    closes_at               smallint NOT NULL DEFAULT 19 CHECK (closes_at BETWEEN 1 AND 24),
    -- Where the voice agent connects a caller to a person.
    transfer_number         text CHECK (transfer_number ~ '^\+[1-9][0-9]{6,14}$'),
    -- Calls are recorded or transcribed: the voice agent says so when it answers.
    calls_recorded          boolean NOT NULL DEFAULT false,
    -- Repeated provider failures switch the organisation to the built-in assistant.
    consecutive_failures    integer NOT NULL DEFAULT 0,
    fallback_reason         text,
    fallback_at             timestamptz,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (opens_at < closes_at)
);

ALTER TABLE leads
    ADD COLUMN ai_score      smallint CHECK (ai_score BETWEEN 0 AND 100),
    ADD COLUMN ai_intent     lead_intent,
    ADD COLUMN ai_reasons    jsonb,
    ADD COLUMN ai_summary    text[],
    ADD COLUMN ai_facts      jsonb,
    ADD COLUMN ai_confidence smallint,
    ADD COLUMN ai_updated_at timestamptz;
-- The lead list sorted by score (keyset: score, then id).
CREATE INDEX leads_org_score_idx ON leads (org_id, ai_score DESC NULLS LAST, id DESC);

-- Drafts an agent sent, and the assistant's own messages, are marked in the thread.
ALTER TABLE messages ADD COLUMN ai_assisted boolean NOT NULL DEFAULT false;

ALTER TABLE conversations
    -- Set when the assistant handed the conversation to a person: it stops answering.
    ADD COLUMN ai_handoff        ai_handoff,
    ADD COLUMN ai_handoff_at     timestamptz,
    -- Assistant answers since the insight last moved forward.
    ADD COLUMN ai_stalled_turns  integer NOT NULL DEFAULT 0,
    -- The insight when the assistant last answered, to tell progress from going round.
    ADD COLUMN ai_last_insight   jsonb;

-- Background work: one row per conversation and kind, so a burst of texts is one job.
CREATE TABLE ai_jobs (
    id              bigserial PRIMARY KEY,
    org_id          uuid NOT NULL REFERENCES organisations (id),
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('insight', 'autopilot')),
    run_at          timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ai_jobs_conversation_kind_key UNIQUE (conversation_id, kind)
);
CREATE INDEX ai_jobs_due_idx ON ai_jobs (run_at);

-- Every call to an assistant: what it cost and how it went. No message bodies.
CREATE TABLE ai_events (
    id              bigserial PRIMARY KEY,
    org_id          uuid NOT NULL REFERENCES organisations (id),
    conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
    provider        ai_provider NOT NULL,
    model           text NOT NULL,
    purpose         text NOT NULL CHECK (purpose IN ('insight', 'draft', 'autopilot', 'voice')),
    tokens_in       integer NOT NULL DEFAULT 0,
    tokens_out      integer NOT NULL DEFAULT 0,
    latency_ms      integer NOT NULL,
    outcome         text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_events_org_idx ON ai_events (org_id, created_at DESC);
