-- The region used to read phone numbers typed without a country code.
ALTER TABLE organisations
    ADD COLUMN country text NOT NULL DEFAULT 'US' CHECK (country ~ '^[A-Z]{2}$');
