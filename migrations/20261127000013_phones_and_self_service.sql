-- Desk phones: activation codes mailed to people given calling (16 digits, kept only as a
-- SHA-256, used once, valid 7 days; a new code replaces the ones before), the phones activated
-- with them, failed attempts (to slow guessing), and each person's own calling settings.

CREATE TABLE activation_codes (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    replaced_at BIGINT
);
CREATE INDEX activation_codes_user ON activation_codes (org_id, user_id);

CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    -- Twelve lower-case hexadecimal digits, no separators: one registration per phone.
    mac TEXT NOT NULL UNIQUE,
    activated_at BIGINT NOT NULL
);
CREATE INDEX devices_user ON devices (org_id, user_id);

CREATE TABLE failed_activations (
    client_address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX failed_activations_client ON failed_activations (client_address, at);

CREATE TABLE calling_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    -- JSON: voicemail, forwarding, speed dials and single number reach (domain::self_service).
    settings TEXT NOT NULL,
    -- argon2, like passwords: a PIN has few digits.
    voicemail_pin_hash TEXT,
    updated_at BIGINT NOT NULL
);
