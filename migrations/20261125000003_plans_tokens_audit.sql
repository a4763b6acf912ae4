-- The plan an organisation bought, one-time account links, and the audit trail.

CREATE TABLE licences (
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    service TEXT NOT NULL CHECK (service IN ('messaging', 'meetings', 'calling')),
    seats BIGINT NOT NULL CHECK (seats >= 0),
    PRIMARY KEY (org_id, service)
);

-- Links sent by mail (welcome, password reset). Only a SHA-256 of the token is stored.
CREATE TABLE account_tokens (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('welcome', 'password_reset')),
    token_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX account_tokens_token_hash ON account_tokens (token_hash);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    org_id BIGINT REFERENCES organisations (id),
    actor_user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    client_address TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX audit_events_org_at ON audit_events (org_id, at);
