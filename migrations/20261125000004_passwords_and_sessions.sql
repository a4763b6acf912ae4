-- Credentials and server-side sessions. Only hashes are stored: argon2id for passwords,
-- SHA-256 for session tokens.

ALTER TABLE users ADD COLUMN password_hash TEXT;

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);

-- When the person first signed in (the end of Invite pending) and most recently.
ALTER TABLE users ADD COLUMN first_sign_in_at BIGINT;
ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;

-- Failed sign-ins, counted to slow down password guessing per address tried and per client. The
-- address is stored as typed (lower-cased), whether or not it belongs to an account.
CREATE TABLE failed_sign_ins (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    client_address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX failed_sign_ins_email_at ON failed_sign_ins (email, at);
CREATE INDEX failed_sign_ins_client_at ON failed_sign_ins (client_address, at);
