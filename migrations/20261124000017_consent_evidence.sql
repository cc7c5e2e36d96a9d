-- The organisation's consent language per category, as shown on its public consent form
-- (absent: the built-in wording). Every event records the exact text it was given under.
CREATE TABLE consent_wordings (
    org_id      uuid NOT NULL REFERENCES organisations (id),
    category    message_category NOT NULL CHECK (category IN ('informational', 'promotional')),
    text        text NOT NULL CHECK (length(text) BETWEEN 20 AND 2000),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid REFERENCES users (id),
    PRIMARY KEY (org_id, category)
);

-- The keyword event a system message answers (the opt-out confirmation of that STOP), so
-- an evidence packet can show when each opt-out was confirmed.
ALTER TABLE messages ADD COLUMN consent_event_id bigint REFERENCES consent_events (id);

-- The blocked-sends report, and the consent search by phone digits (recent events of the
-- organisation use consent_events_seq_key).
CREATE INDEX messages_blocked_idx ON messages (org_id, created_at DESC, id DESC) WHERE status = 'blocked';
CREATE INDEX consent_events_phone_trgm_idx ON consent_events USING gin (phone gin_trgm_ops);
