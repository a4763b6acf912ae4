-- CSV imports: the job and its progress, every row of the file with what became of it (for the
-- result file and for undo), and the fields a spreadsheet of people carries.

ALTER TABLE users ADD COLUMN first_name TEXT;
ALTER TABLE users ADD COLUMN last_name TEXT;
ALTER TABLE users ADD COLUMN phone_number TEXT;
ALTER TABLE users ADD COLUMN extension TEXT;
-- A number or an extension belongs to one person of an organisation at a time.
CREATE UNIQUE INDEX users_org_phone ON users (org_id, phone_number) WHERE phone_number IS NOT NULL;
CREATE UNIQUE INDEX users_org_extension ON users (org_id, extension) WHERE extension IS NOT NULL;

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    -- Who started it, as they were named then: kept when their account is gone.
    started_by TEXT NOT NULL,
    file_name TEXT NOT NULL,
    -- The file's header row as a CSV line: the result file starts with it.
    header TEXT NOT NULL,
    encoding TEXT NOT NULL,
    update_existing BOOLEAN NOT NULL,
    -- The services a new person gets when the file says nothing of a service, comma-separated.
    default_services TEXT NOT NULL,
    locale TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'cancelling', 'cancelled', 'done', 'undone')),
    total BIGINT NOT NULL,
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

CREATE TABLE import_rows (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    row_number BIGINT NOT NULL,
    -- The row's cells as the file had them (a CSV line), for the result file.
    source TEXT NOT NULL,
    -- The person the row reads as (JSON); NULL when the row was refused before the job ran.
    person TEXT,
    outcome TEXT CHECK (outcome IN ('created', 'updated', 'unchanged', 'failed')),
    reason TEXT,
    user_id BIGINT,
    -- For an update: the person as they were before (JSON), so an undo can put them back.
    previous TEXT,
    PRIMARY KEY (import_id, row_number)
);
CREATE INDEX import_rows_user ON import_rows (import_id, user_id) WHERE user_id IS NOT NULL;
