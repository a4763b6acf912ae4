-- The first-time setup wizard's progress, and the settings it and the Services and Settings pages
-- keep: per service, the enterprise settings, the number pool and the email domains.

-- The furthest step the wizard saved; the wizard resumes there. Finished once, it never restarts.
ALTER TABLE organisations ADD COLUMN setup_step TEXT NOT NULL DEFAULT 'plan'
    CHECK (setup_step IN ('plan', 'calling', 'messaging', 'enterprise', 'users'));
ALTER TABLE organisations ADD COLUMN setup_finished_at BIGINT;
-- The language of mail to people whose own language is not known yet.
ALTER TABLE organisations ADD COLUMN default_locale TEXT NOT NULL DEFAULT 'en';

-- What the admin typed on a wizard step and has not saved yet (after Back, or a refused Next),
-- as the form's fields in JSON; it is shown instead of the saved settings until saved.
CREATE TABLE setup_drafts (
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    step TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (org_id, step)
);

CREATE TABLE messaging_settings (
    org_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    file_sharing BOOLEAN NOT NULL,
    external_messaging BOOLEAN NOT NULL,
    -- Days messages are kept; NULL keeps them for ever.
    retention_days BIGINT CHECK (retention_days BETWEEN 1 AND 3650)
);

CREATE TABLE meetings_settings (
    org_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    guests_allowed BOOLEAN NOT NULL,
    recording_allowed BOOLEAN NOT NULL
);

CREATE TABLE calling_settings (
    org_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    location TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    extension_length BIGINT NOT NULL CHECK (extension_length BETWEEN 2 AND 8),
    extension_first TEXT NOT NULL,
    extension_last TEXT NOT NULL,
    -- E.164; NULL shows each person's own number.
    caller_id TEXT,
    voicemail_default BOOLEAN NOT NULL
);

-- Direct numbers the organisation owns, E.164. A number belongs to one organisation.
CREATE TABLE pool_numbers (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    number TEXT NOT NULL,
    added_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX pool_numbers_number ON pool_numbers (number);
CREATE INDEX pool_numbers_org ON pool_numbers (org_id, number);

-- Email domains the organisation says are its own. `verification` is the value of the DNS TXT
-- record that proves it; it is published in DNS, so it is not a secret and is kept as it is.
CREATE TABLE domains (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    verification TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    verified_at BIGINT,
    checked_at BIGINT
);
CREATE UNIQUE INDEX domains_org_name ON domains (org_id, name);
-- Once verified, a domain is one organisation's alone.
CREATE UNIQUE INDEX domains_verified_name ON domains (name) WHERE verified_at IS NOT NULL;
