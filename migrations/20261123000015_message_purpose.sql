-- Messages the system sends because of a keyword (the one opt-out confirmation, the
-- opt-in confirmation, the HELP answer). The outbox lets exactly these through to a
-- number that has opted out; each is queued at most once per keyword event.
ALTER TABLE messages ADD COLUMN purpose text
    CHECK (purpose IN ('opt_out_confirmation', 'opt_in_confirmation', 'help'));

-- An inbound text that talks about stopping but could not be read for sure: a person
-- looks at it, and promotional messages wait until they have.
ALTER TABLE conversations ADD COLUMN consent_review boolean NOT NULL DEFAULT false;
