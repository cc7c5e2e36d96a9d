CREATE TYPE vertical AS ENUM ('automotive', 'real_estate', 'general');

CREATE TABLE organisations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) BETWEEN 3 AND 48),
    vertical    vertical NOT NULL DEFAULT 'general',
    time_zone   text NOT NULL DEFAULT 'America/New_York',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organisations_slug_key UNIQUE (slug)
);
