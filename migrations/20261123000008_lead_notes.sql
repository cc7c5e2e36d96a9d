-- A note history per lead: notes are added, never edited.
CREATE TABLE lead_notes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organisations (id),
    lead_id     uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    author_id   uuid REFERENCES users (id),
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX lead_notes_lead_idx ON lead_notes (lead_id, created_at DESC);
