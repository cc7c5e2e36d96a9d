-- How many codes a request has been sent: a new code resets the tries on the code, but
-- not this, so the five-try limit cannot be dodged by asking for codes again and again.
ALTER TABLE privacy_requests ADD COLUMN codes_sent integer NOT NULL DEFAULT 0;
