-- Issue 10: a claim typed on a public page is not an identity; one scope for leads and
-- their conversations; atomic rate limits; codes never shown to staff. See decision 12.

-- Rate limits (public pages, sign-in, system texts): one row per counted attempt, in a
-- sliding window. An attempt takes the key's advisory lock, counts, and records itself in
-- one transaction, so concurrent requests cannot both see "one left". Keys are SHA-256
-- digests: no address or number is kept here.
CREATE TABLE rate_limit_hits (
    key  bytea NOT NULL,
    at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rate_limit_hits_key_idx ON rate_limit_hits (key, at DESC);
CREATE INDEX rate_limit_hits_at_idx ON rate_limit_hits (at);

-- Sign-in attempts are reserved in rate_limit_hits before the password is checked.
DROP TABLE login_failures;

-- One scope for a lead and its conversations: a conversation belongs to whoever the lead
-- is assigned to. Keep what the conversations said where the lead said nothing.
UPDATE leads l SET assigned_to = c.assigned_to
FROM (SELECT DISTINCT ON (lead_id) lead_id, assigned_to FROM conversations
      WHERE assigned_to IS NOT NULL ORDER BY lead_id, last_activity_at DESC) c
WHERE l.id = c.lead_id AND l.assigned_to IS NULL;
ALTER TABLE conversations DROP COLUMN assigned_to;

-- Web chat: every chat is its own conversation; what the visitor typed is a claim until
-- they prove it (a code sent to it) or staff link the chat to a lead by hand.
ALTER TABLE conversations DROP CONSTRAINT conversations_lead_channel_key;
CREATE UNIQUE INDEX conversations_lead_channel_key ON conversations (org_id, lead_id, channel)
    WHERE channel <> 'chat';
ALTER TABLE conversations
    ADD COLUMN claimed_phone text CHECK (claimed_phone ~ '^\+[1-9][0-9]{6,14}$'),
    ADD COLUMN claimed_email text CHECK (claimed_email = lower(claimed_email)),
    ADD COLUMN verified_at timestamptz,
    ADD COLUMN verified_how text CHECK (verified_how IN ('code', 'staff')),
    -- A STOP typed in an unverified chat ends that chat, nothing more.
    ADD COLUMN ended_at timestamptz,
    ADD COLUMN code_hash bytea,
    ADD COLUMN code_expires_at timestamptz,
    ADD COLUMN code_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN codes_sent integer NOT NULL DEFAULT 0;
-- Chats from before this change were attached by what the visitor typed: they stay
-- unverified (verified_at NULL), so nothing typed in them touches a number's consent.

-- The lead of an unverified chat has no contact of its own yet.
ALTER TABLE leads DROP CONSTRAINT leads_contact_check;
ALTER TABLE leads ADD CONSTRAINT leads_contact_check
    CHECK (email IS NOT NULL OR phone IS NOT NULL OR erased_at IS NOT NULL OR source = 'chat');

-- System texts to a number that is nobody's conversation (a privacy request's code, the
-- consent form's "reply YES"): addressed to the number itself, no lead created.
ALTER TABLE messages ALTER COLUMN conversation_id DROP NOT NULL;
ALTER TABLE messages ADD COLUMN to_phone text CHECK (to_phone ~ '^\+[1-9][0-9]{6,14}$');
ALTER TABLE messages ADD CONSTRAINT messages_destination_check
    CHECK (conversation_id IS NOT NULL OR (direction = 'outbound' AND to_phone IS NOT NULL));
CREATE INDEX messages_to_phone_idx ON messages (org_id, to_phone, created_at) WHERE to_phone IS NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_purpose_check;
ALTER TABLE messages ADD CONSTRAINT messages_purpose_check
    CHECK (purpose IN ('opt_out_confirmation', 'opt_in_confirmation', 'help', 'privacy',
                       'privacy_code', 'opt_in_request', 'chat_code'));

-- What the worker sends when it differs from what staff read (a one-time code): the
-- message keeps the masked text, and this leaves with the outbox row.
ALTER TABLE outbox ADD COLUMN secret_body text;
UPDATE outbox o SET secret_body = m.body FROM messages m
WHERE m.id = o.message_id AND m.purpose = 'privacy' AND m.body ~ '[0-9]{6}';
UPDATE messages SET purpose = 'privacy_code' WHERE purpose = 'privacy' AND body ~ '[0-9]{6}';
UPDATE messages SET body = regexp_replace(body, '[0-9]{6}', '••••••', 'g') WHERE purpose = 'privacy_code';

-- Mail is queued and delivered by the worker (SMTP, or .eml files under .data/mail);
-- the code a message carries is kept only until it is delivered.
ALTER TABLE outbound_mail
    ADD COLUMN secret_body text,
    ADD COLUMN status text NOT NULL DEFAULT 'sent' CHECK (status IN ('queued', 'sent', 'failed')),
    ADD COLUMN attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN sent_at timestamptz,
    ADD COLUMN last_error text;
UPDATE outbound_mail SET body = regexp_replace(body, '[0-9]{6}', '••••••', 'g');
CREATE INDEX outbound_mail_queued_idx ON outbound_mail (next_attempt_at) WHERE status = 'queued';

-- A web-form opt-in waits for the number to confirm it with YES (SPEC §3.11).
CREATE TABLE consent_confirmations (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id                uuid NOT NULL REFERENCES organisations (id),
    phone                 text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    person_name           text NOT NULL,
    email                 text,
    -- What the form showed and the visitor ticked: [{category, text, sha256}].
    wordings              jsonb NOT NULL,
    ip                    inet,
    user_agent            text,
    requested_at          timestamptz NOT NULL DEFAULT now(),
    expires_at            timestamptz NOT NULL,
    request_message_id    uuid REFERENCES messages (id) ON DELETE SET NULL,
    confirmed_at          timestamptz,
    confirmed_by_message  uuid REFERENCES messages (id) ON DELETE SET NULL
);
CREATE INDEX consent_confirmations_pending_idx ON consent_confirmations (org_id, phone, requested_at DESC)
    WHERE confirmed_at IS NULL;

-- Numbers of other countries are refused on public pages unless the organisation allows them.
ALTER TABLE organisations ADD COLUMN allow_foreign_numbers boolean NOT NULL DEFAULT false;

-- One e-mail may hold an account in several organisations; nothing about one
-- organisation's accounts shows in another's.
DROP INDEX users_email_key;
ALTER TABLE users ADD CONSTRAINT users_org_email_key UNIQUE (org_id, email);
CREATE INDEX users_email_idx ON users (email);
-- An account a manager created signs in once with the password it was given, then must
-- choose its own.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- Password reset links: single use, short-lived, only the token's hash kept.
CREATE TABLE password_resets (
    token_hash  bytea PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by  uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
