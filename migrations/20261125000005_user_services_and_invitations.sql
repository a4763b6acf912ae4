-- The services each person has, invitations' lifetime per organisation, and the answers of
-- add-user submissions so a double click or a retried request does nothing twice.

CREATE TABLE user_services (
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    service TEXT NOT NULL CHECK (service IN ('messaging', 'meetings', 'calling')),
    PRIMARY KEY (user_id, service)
);
CREATE INDEX user_services_org_service ON user_services (org_id, service);

ALTER TABLE organisations ADD COLUMN invitation_days BIGINT NOT NULL DEFAULT 14;
ALTER TABLE users ADD COLUMN invited_at BIGINT;

CREATE TABLE submissions (
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    submission_key TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, submission_key)
);
