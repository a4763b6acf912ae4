-- CSV imports: the job and its progress, every row of the file with what became of it (for the
-- result file and for undo), and the fields a spreadsheet of people carries.

ALTER TABLE users ADD COLUMN first_name TEXT;
ALTER TABLE users ADD COLUMN last_name TEXT;
ALTER TABLE users ADD COLUMN phone_number TEXT;
ALTER TABLE users ADD COLUMN extension TEXT;
-- A number or an extension belongs to one person of an organisation at a time.
CREATE UNIQUE INDEX users_org_phone ON users (org_id, phone_number) WHERE phone_number IS NOT NULL;
CREATE UNIQUE INDEX users_org_extension ON users (org_id, extension) WHERE extension IS NOT NULL;

-- A mail the worker renders when it sends it (JSON of the letter's values): a batch of 100,000
-- invitations then stores their few values, not 100,000 bodies. Wiped once sent, like the bodies.
ALTER TABLE outbox ADD COLUMN letter TEXT;

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    -- Who started it, as they were named then: kept when their account is gone.
    started_by TEXT NOT NULL,
    file_name TEXT NOT NULL,
    -- The file as uploaded: the job reads it a batch at a time, and the result file repeats it.
    file BLOB NOT NULL,
    encoding TEXT NOT NULL,
    -- How the file's columns are read (JSON), as the admin confirmed in the preview.
    mapping TEXT NOT NULL,
    update_existing BOOLEAN NOT NULL,
    -- The services a new person gets when the file says nothing of a service, comma-separated.
    default_services TEXT NOT NULL,
    locale TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'cancelling', 'cancelled', 'done', 'undone')),
    total BIGINT NOT NULL,
    -- Rows up to this row number are applied: a restarted job carries on after it.
    applied_through BIGINT NOT NULL DEFAULT 0,
    done BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    -- Milliseconds, for the rate and the time left.
    started_ms BIGINT NOT NULL,
    progress_ms BIGINT NOT NULL,
    finished_at BIGINT,
    undone_at BIGINT
);
CREATE INDEX imports_org ON imports (org_id, id);
CREATE INDEX imports_unfinished ON imports (state) WHERE state IN ('running', 'cancelling');

-- What became of each row the job reached (a cancelled import's later rows have none).
CREATE TABLE import_rows (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    row_number BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('created', 'updated', 'unchanged', 'failed')),
    reason TEXT,
    user_id BIGINT,
    -- For an update: the person as they were before (JSON), so an undo can put them back.
    previous TEXT,
    PRIMARY KEY (import_id, row_number)
);
