-- How an organisation talks to its carrier. Secrets are stored encrypted (AES-256-GCM,
-- key from the environment) and never read back to a browser.
CREATE TYPE messaging_provider AS ENUM ('local', 'twilio', 'signalwire');

CREATE TABLE messaging_settings (
    org_id                  uuid PRIMARY KEY REFERENCES organisations (id),
    provider                messaging_provider NOT NULL DEFAULT 'local',
    account_sid             text,
    auth_token_enc          bytea,
    -- The REST API root; SignalWire's is per space (https://<space>.signalwire.com).
    api_base_url            text,
    phone_numbers           text[] NOT NULL DEFAULT '{}',
    -- The public URL carriers call, used to check webhook signatures.
    public_base_url         text,
    whatsapp_app_secret_enc bytea,
    whatsapp_verify_token   text,
    updated_at              timestamptz NOT NULL DEFAULT now()
);
