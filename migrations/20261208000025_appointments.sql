-- Appointments (SPEC §2, §9): types per organisation, working hours, bookings that never
-- overlap for one person (the database refuses them), reminders as idempotent jobs, and a
-- private calendar feed per user.

-- `=` on uuid inside a GiST exclusion constraint. Trusted since PostgreSQL 13, so the
-- database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE appointment_status AS ENUM ('scheduled', 'confirmed', 'shown', 'no_show', 'cancelled', 'rescheduled');
CREATE TYPE appointment_source AS ENUM ('staff', 'assistant', 'customer_link');
-- What a person must look at: the customer asked to move it, or opted out while it stands.
CREATE TYPE appointment_attention AS ENUM ('reschedule_requested', 'opted_out');
CREATE TYPE reminder_state AS ENUM ('scheduled', 'sent', 'skipped');

CREATE TABLE appointment_types (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id              uuid NOT NULL REFERENCES organisations (id),
    name                text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    duration_minutes    integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 600),
    -- Empty: every vertical.
    verticals           vertical[] NOT NULL DEFAULT '{}',
    needs_confirmation  boolean NOT NULL DEFAULT true,
    -- Minutes before the start; each is one reminder.
    reminder_offsets    integer[] NOT NULL DEFAULT '{1440,120}'
                        CHECK (cardinality(reminder_offsets) <= 4 AND 0 < ALL (reminder_offsets) AND 20160 >= ALL (reminder_offsets)),
    reminder_template   text NOT NULL DEFAULT 'Reminder from {store}: your {type} is {when}. Reply C to confirm or R to reschedule.'
                        CHECK (length(reminder_template) BETWEEN 1 AND 480),
    active              boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, name),
    UNIQUE (org_id, id)
);

-- The hours a store (user_id NULL) or one person is available, per weekday (1 = Monday), in
-- the store's zone or the person's own. A weekday with no row is closed.
CREATE TABLE working_hours (
    org_id     uuid NOT NULL REFERENCES organisations (id),
    user_id    uuid REFERENCES users (id),
    weekday    smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens_at   time NOT NULL,
    closes_at  time NOT NULL CHECK (closes_at > opens_at)
);
CREATE UNIQUE INDEX working_hours_key ON working_hours (org_id, coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid), weekday);

CREATE TABLE closed_days (
    org_id  uuid NOT NULL REFERENCES organisations (id),
    day     date NOT NULL,
    reason  text NOT NULL DEFAULT '' CHECK (length(reason) <= 120),
    PRIMARY KEY (org_id, day)
);

-- A person's own zone, for their working hours (a remote agent booking for a store).
ALTER TABLE users ADD COLUMN time_zone text;
-- The private calendar feed: the SHA-256 of the secret in its URL; NULL when revoked.
ALTER TABLE users ADD COLUMN calendar_token_hash bytea UNIQUE;
ALTER TABLE organisations ADD COLUMN no_show_after_minutes integer NOT NULL DEFAULT 30
    CHECK (no_show_after_minutes BETWEEN 5 AND 1440);

CREATE TABLE appointments (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id           uuid NOT NULL REFERENCES organisations (id),
    lead_id          uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    type_id          uuid NOT NULL,
    assignee_id      uuid NOT NULL REFERENCES users (id),
    -- The conversation it was booked from: its confirmations and reminders go there.
    conversation_id  uuid REFERENCES conversations (id) ON DELETE SET NULL,
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL CHECK (ends_at > starts_at),
    -- The location's zone, as the customer is told the time.
    time_zone        text NOT NULL,
    status           appointment_status NOT NULL DEFAULT 'scheduled',
    source           appointment_source NOT NULL,
    notes            text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    attention        appointment_attention,
    created_by       uuid REFERENCES users (id),
    rescheduled_to   uuid REFERENCES appointments (id) ON DELETE SET NULL,
    -- The last text that asked the customer to reply C or R: a bare C, YES or R is read as
    -- an answer about this appointment only when it is the answer to that text.
    prompt_message_id uuid REFERENCES messages (id) ON DELETE SET NULL,
    -- The SHA-256 of the secret in the customer's one-event calendar link (their
    -- confirmation text carries it); NULL when no link was sent.
    public_token_hash bytea UNIQUE,
    -- Bumped on every change a calendar should show (iCalendar SEQUENCE).
    sequence         integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, type_id) REFERENCES appointment_types (org_id, id),
    -- One person is never in two live appointments at once, however the bookings race.
    CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
        assignee_id WITH =, tstzrange(starts_at, ends_at) WITH &&
    ) WHERE (status IN ('scheduled', 'confirmed'))
);
CREATE INDEX appointments_org_start_idx ON appointments (org_id, starts_at);
CREATE INDEX appointments_lead_idx ON appointments (lead_id, starts_at);
-- The no-show sweep and the reminders' "is it still live" look only at live ones.
CREATE INDEX appointments_live_idx ON appointments (starts_at) WHERE status IN ('scheduled', 'confirmed');

-- One row per appointment and offset: the unique key is what makes a reminder happen once
-- however often it is scheduled, and the lease (run_at) what lets a dead worker's job be
-- taken again without a second text.
CREATE TABLE appointment_reminders (
    id              bigserial PRIMARY KEY,
    org_id          uuid NOT NULL REFERENCES organisations (id),
    appointment_id  uuid NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    offset_minutes  integer NOT NULL,
    due_at          timestamptz NOT NULL,
    state           reminder_state NOT NULL DEFAULT 'scheduled',
    reason          text,
    message_id      uuid REFERENCES messages (id) ON DELETE SET NULL,
    run_at          timestamptz NOT NULL,
    -- Times a worker took it; one that keeps failing is given up with a reason.
    attempts        integer NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (appointment_id, offset_minutes)
);
CREATE INDEX appointment_reminders_due_idx ON appointment_reminders (run_at) WHERE state = 'scheduled';

-- The slots the assistant last offered in a conversation, so "2" books the second.
ALTER TABLE conversations ADD COLUMN ai_offered_slots jsonb;

-- The types and store hours a new organisation starts with (orgs::create calls this; the
-- organisations already here get them now). Managers change both in settings.
CREATE FUNCTION seed_appointment_defaults(org uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO appointment_types (org_id, name, duration_minutes, verticals)
    SELECT org, t.name, t.minutes, '{}'
    FROM organisations o, (VALUES
        ('automotive'::vertical, 'Test drive', 45), ('automotive', 'Sales visit', 60),
        ('automotive', 'Delivery', 60), ('automotive', 'Service', 60),
        ('real_estate', 'Showing', 60), ('real_estate', 'Consultation', 45),
        ('general', 'Visit', 60), ('general', 'Consultation', 30)) AS t(vertical, name, minutes)
    WHERE o.id = org AND o.vertical = t.vertical
    ON CONFLICT (org_id, name) DO NOTHING;
    INSERT INTO working_hours (org_id, weekday, opens_at, closes_at)
    SELECT org, d, '09:00', '18:00' FROM generate_series(1, 6) AS d
    WHERE NOT EXISTS (SELECT 1 FROM working_hours WHERE org_id = org AND user_id IS NULL);
$$;

SELECT seed_appointment_defaults(id) FROM organisations;
