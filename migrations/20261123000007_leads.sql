CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TYPE lead_source AS ENUM ('web_form', 'sms', 'call', 'chat', 'import', 'manual');
CREATE TYPE lead_status AS ENUM ('new', 'contacted', 'qualified', 'appointment_set', 'won', 'lost');

CREATE TABLE leads (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organisations (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email           text CHECK (email = lower(email)),
    phone           text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    source          lead_source NOT NULL DEFAULT 'manual',
    status          lead_status NOT NULL DEFAULT 'new',
    assigned_to     uuid REFERENCES users (id),
    tags            text[] NOT NULL DEFAULT '{}',
    time_zone       text,
    -- Automotive profile: the vehicle of interest and the vehicle owned.
    interest_year   smallint CHECK (interest_year BETWEEN 1900 AND 2100),
    interest_make   text,
    interest_model  text,
    interest_vin    text CHECK (interest_vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
    owned_year      smallint CHECK (owned_year BETWEEN 1900 AND 2100),
    owned_make      text,
    owned_model     text,
    owned_vin       text CHECK (owned_vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
    -- Real-estate profile.
    budget_min      integer CHECK (budget_min >= 0),
    budget_max      integer CHECK (budget_max >= budget_min),
    locations       text,
    property_type   text,
    timeline        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT leads_phone_key UNIQUE (org_id, phone),
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- Keyset orders of the lead list (newest, recently updated, name).
CREATE INDEX leads_org_created_idx ON leads (org_id, created_at DESC, id DESC);
CREATE INDEX leads_org_updated_idx ON leads (org_id, updated_at DESC, id DESC);
CREATE INDEX leads_org_name_idx ON leads (org_id, lower(name), id);
CREATE INDEX leads_org_assigned_idx ON leads (org_id, assigned_to, created_at DESC);
CREATE INDEX leads_org_email_idx ON leads (org_id, email);
-- Substring search on name, e-mail and phone digits; tag and VIN filters.
CREATE INDEX leads_name_trgm_idx ON leads USING gin (lower(name) gin_trgm_ops);
CREATE INDEX leads_email_trgm_idx ON leads USING gin (email gin_trgm_ops);
CREATE INDEX leads_phone_trgm_idx ON leads USING gin (phone gin_trgm_ops);
CREATE INDEX leads_tags_idx ON leads USING gin (tags);
CREATE INDEX leads_interest_vin_idx ON leads (org_id, interest_vin) WHERE interest_vin IS NOT NULL;
CREATE INDEX leads_owned_vin_idx ON leads (org_id, owned_vin) WHERE owned_vin IS NOT NULL;
