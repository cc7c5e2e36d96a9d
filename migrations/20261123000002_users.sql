CREATE TYPE user_role AS ENUM ('manager', 'compliance', 'agent');

CREATE TABLE users (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id           uuid NOT NULL REFERENCES organisations (id),
    email            text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
    name             text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    role             user_role NOT NULL,
    password_hash    text NOT NULL,
    active           boolean NOT NULL DEFAULT true,
    -- Bumped on deactivation and password change: sessions carrying an older epoch die.
    session_epoch    integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at  timestamptz,
    deactivated_at   timestamptz
);

-- An e-mail address signs in to exactly one account, whichever organisation holds it.
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_org_id_name_idx ON users (org_id, name);
