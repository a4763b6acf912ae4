-- Self-signup: people who signed up to the collaboration service on their own, in no organisation
-- yet ("unlicensed"). Once an organisation verifies their address's domain, its administrators
-- see them and may add them; the account then moves into `users` and is marked converted here.

CREATE TABLE signups (
    id INTEGER PRIMARY KEY,
    -- Lower-cased, as `Email` parses it; one self-signup per address.
    email TEXT NOT NULL,
    -- The part after the @, so an organisation's list is one lookup per verified domain.
    domain TEXT NOT NULL,
    display_name TEXT NOT NULL,
    locale TEXT NOT NULL,
    -- Set when the person confirms their address and chooses a password; cleared on conversion
    -- (the hash moves to their `users` row).
    password_hash TEXT,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    converted_at BIGINT,
    converted_org_id BIGINT REFERENCES organisations (id),
    converted_user_id BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX signups_email ON signups (email);
CREATE INDEX signups_domain ON signups (domain, confirmed_at);

-- Confirmation links: random, stored only as a SHA-256, single use, short-lived.
CREATE TABLE signup_tokens (
    id INTEGER PRIMARY KEY,
    signup_id BIGINT NOT NULL REFERENCES signups (id),
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE UNIQUE INDEX signup_tokens_hash ON signup_tokens (token_hash);

-- Every mail the sign-up form sent (to new and known addresses alike), so it cannot be used to
-- flood a mailbox: counted per address and per client over a short window.
CREATE TABLE signup_mails (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    client_address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX signup_mails_email ON signup_mails (email, at);
CREATE INDEX signup_mails_client ON signup_mails (client_address, at);
