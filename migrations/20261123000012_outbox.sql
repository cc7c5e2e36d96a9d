-- Messages waiting for the provider. Workers on any number of servers take rows with
-- FOR UPDATE SKIP LOCKED, so no two send the same message.
CREATE TABLE outbox (
    message_id       uuid PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    org_id           uuid NOT NULL REFERENCES organisations (id),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX outbox_due_idx ON outbox (next_attempt_at);
