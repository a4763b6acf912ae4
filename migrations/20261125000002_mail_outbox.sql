-- Mail that must not be lost: written in the same transaction as the change that causes it,
-- delivered by the worker. The bodies are wiped once sent (they may carry one-time links).

ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    org_id BIGINT REFERENCES organisations (id),
    -- One row per logical message: enqueueing the same key twice sends once.
    idempotency_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL,
    -- A worker that claimed the row holds it until then; after that another may take it.
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE UNIQUE INDEX outbox_idempotency_key ON outbox (idempotency_key);
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_org ON outbox (org_id, created_at);
