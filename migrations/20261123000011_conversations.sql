CREATE TYPE channel AS ENUM ('sms', 'voice', 'chat', 'whatsapp');
CREATE TYPE conversation_status AS ENUM ('open', 'pending', 'resolved');
CREATE TYPE message_direction AS ENUM ('inbound', 'outbound');
CREATE TYPE message_sender AS ENUM ('customer', 'agent', 'ai', 'system');
CREATE TYPE message_category AS ENUM ('conversational', 'informational', 'promotional');
CREATE TYPE delivery_status AS ENUM ('received', 'queued', 'sent', 'delivered', 'failed', 'blocked');

CREATE TABLE conversations (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id              uuid NOT NULL REFERENCES organisations (id),
    lead_id             uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    channel             channel NOT NULL,
    status              conversation_status NOT NULL DEFAULT 'open',
    assigned_to         uuid REFERENCES users (id),
    unread_count        integer NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
    -- Whether the customer wrote first: what makes a conversational reply allowed.
    customer_initiated  boolean NOT NULL DEFAULT false,
    -- Web chat: the SHA-256 of the visitor's secret token.
    visitor_token_hash  bytea,
    last_activity_at    timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- Web chat: messages before this moment stay hidden from the visitor holding the token.
    visitor_since       timestamptz,
    CONSTRAINT conversations_lead_channel_key UNIQUE (org_id, lead_id, channel)
);

CREATE INDEX conversations_inbox_idx ON conversations (org_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_assigned_idx ON conversations (org_id, assigned_to, last_activity_at DESC);
CREATE UNIQUE INDEX conversations_visitor_idx ON conversations (visitor_token_hash) WHERE visitor_token_hash IS NOT NULL;

CREATE TABLE messages (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id               uuid NOT NULL REFERENCES organisations (id),
    conversation_id      uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    direction            message_direction NOT NULL,
    body                 text NOT NULL,
    media_count          integer NOT NULL DEFAULT 0 CHECK (media_count >= 0),
    sender               message_sender NOT NULL,
    sender_user_id       uuid REFERENCES users (id),
    category             message_category,
    status               delivery_status NOT NULL,
    status_reason        text,
    -- The local provider delivers nowhere; such messages are marked as simulated.
    simulated            boolean NOT NULL DEFAULT false,
    provider_message_id  text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    sent_at              timestamptz,
    CHECK ((direction = 'outbound') = (category IS NOT NULL)),
    CONSTRAINT messages_provider_id_key UNIQUE (org_id, provider_message_id)
);

CREATE INDEX messages_thread_idx ON messages (conversation_id, created_at, id);

CREATE TABLE calls (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id            uuid NOT NULL REFERENCES organisations (id),
    conversation_id   uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    provider_call_id  text NOT NULL,
    from_number       text NOT NULL,
    to_number         text NOT NULL,
    direction         message_direction NOT NULL,
    started_at        timestamptz NOT NULL DEFAULT now(),
    duration_secs     integer,
    status            text NOT NULL,
    transcript        text,
    CONSTRAINT calls_provider_id_key UNIQUE (org_id, provider_call_id)
);

CREATE INDEX calls_thread_idx ON calls (conversation_id, started_at);
