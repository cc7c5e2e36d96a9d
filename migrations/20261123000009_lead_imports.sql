-- An uploaded CSV, kept between preview and import so that the import is exactly what
-- was previewed, and runs once: its report is stored with it.
CREATE TABLE lead_imports (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL REFERENCES organisations (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    filename     text NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    report       jsonb,
    imported_at  timestamptz
);

CREATE INDEX lead_imports_org_idx ON lead_imports (org_id, created_at DESC);
