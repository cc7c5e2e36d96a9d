-- WhatsApp through Meta's Cloud API directly (issue 16): the business phone number's id,
-- a long-lived access token (sealed with the data key like every carrier secret), and the
-- API's address (Meta's by default; a local stub in tests).
ALTER TABLE messaging_settings
    ADD COLUMN whatsapp_phone_number_id text CHECK (whatsapp_phone_number_id ~ '^[0-9]{5,20}$'),
    ADD COLUMN whatsapp_access_token_enc bytea,
    ADD COLUMN whatsapp_api_base_url text;
