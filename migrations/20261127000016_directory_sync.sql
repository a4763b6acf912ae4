-- Directory sync from LDAP / Active Directory: one configuration per organisation (the bind
-- password sealed with the server's key, never stored in the clear), which directory groups give
-- which services, and each sync run with its progress and counts.

CREATE TABLE directory_configs (
    org_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    url TEXT NOT NULL,
    bind_dn TEXT NOT NULL,
    -- nonce || ciphertext (XChaCha20-Poly1305 under the server key, the organisation's id as
    -- associated data so a sealed password cannot be moved to another organisation).
    bind_password BLOB NOT NULL,
    base_dn TEXT NOT NULL,
    user_filter TEXT NOT NULL,
    attribute_email TEXT NOT NULL,
    attribute_first_name TEXT NOT NULL,
    attribute_last_name TEXT NOT NULL,
    attribute_display_name TEXT NOT NULL,
    attribute_phone TEXT NOT NULL,
    -- Services everyone from the directory gets, as `messaging,meetings`.
    everyone_services TEXT NOT NULL DEFAULT '',
    schedule TEXT NOT NULL DEFAULT 'off' CHECK (schedule IN ('off', 'hourly', 'daily')),
    next_run_at BIGINT,
    -- A scheduled sync acts as the administrator who last saved the configuration.
    configured_by BIGINT NOT NULL REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE directory_groups (
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    service TEXT NOT NULL,
    group_dn TEXT NOT NULL,
    PRIMARY KEY (org_id, service, group_dn)
);

CREATE TABLE directory_syncs (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    started_by BIGINT REFERENCES users (id),
    scheduled BOOLEAN NOT NULL DEFAULT FALSE,
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    total BIGINT NOT NULL DEFAULT 0,
    done BIGINT NOT NULL DEFAULT 0,
    added BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    reactivated BIGINT NOT NULL DEFAULT 0,
    deactivated BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    started_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX directory_syncs_org ON directory_syncs (org_id, id);
-- One running sync per organisation.
CREATE UNIQUE INDEX directory_syncs_running ON directory_syncs (org_id) WHERE state = 'running';
