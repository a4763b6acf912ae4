-- SCIM 2.0 provisioning: bearer tokens per organisation (shown once, kept as a SHA-256), and the
-- identity provider's own id for each person it provisions.

CREATE TABLE scim_tokens (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX scim_tokens_org ON scim_tokens (org_id);

ALTER TABLE users ADD COLUMN scim_external_id TEXT;

-- While an identity provider provisions the organisation, people added by hand or CSV are
-- warned about (they must be in the directory too), or refused: the organisation chooses.
ALTER TABLE organisations ADD COLUMN directory_rule TEXT NOT NULL DEFAULT 'warn'
    CHECK (directory_rule IN ('warn', 'refuse'));
