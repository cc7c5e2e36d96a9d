-- Failed sign-in attempts, for throttling per submitted e-mail and per client address.
CREATE TABLE login_failures (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email  text NOT NULL,
    ip     inet,
    at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_failures_email_at_idx ON login_failures (email, at DESC);
CREATE INDEX login_failures_ip_at_idx ON login_failures (ip, at DESC);
