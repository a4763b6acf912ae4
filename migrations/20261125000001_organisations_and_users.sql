-- Organisations and their people. Timestamps are seconds since the Unix epoch.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- The lower-cased name: two organisations may not differ only in case.
    name_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (name_key);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    email TEXT NOT NULL,
    display_name TEXT,
    role TEXT NOT NULL CHECK (role IN ('full_admin', 'user_admin', 'read_only_admin', 'user')),
    status TEXT NOT NULL CHECK (status IN ('invite_pending', 'active', 'expired', 'deactivated')),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_org_email ON users (org_id, email);
CREATE INDEX users_org_status ON users (org_id, status);
