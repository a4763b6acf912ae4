-- Imports as a job that walks the stored file (replacing 000008's row-by-row store, which had
-- landed): the file itself instead of its header and one source line per row, the mapping the
-- admin confirmed, and how far the job got; rows keep only what became of them. Mail keeps a
-- letter's values to render at send time instead of its bodies.
--
-- Imports made before this keep their history: the file is put back together from the header
-- and the rows' source lines. One still running then cannot be carried on by the new job and is
-- marked cancelled.

-- A mail the worker renders when it sends it (JSON of the letter's values): a batch of 100,000
-- invitations then stores their few values, not 100,000 bodies. Wiped once sent, like the bodies.
ALTER TABLE outbox ADD COLUMN letter TEXT;

ALTER TABLE import_rows RENAME TO import_rows_before;
ALTER TABLE imports RENAME TO imports_before;
DROP INDEX imports_org;
DROP INDEX imports_unfinished;
DROP INDEX import_rows_user;

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

INSERT INTO imports (id, org_id, started_by, file_name, file, encoding, mapping, update_existing,
                     default_services, locale, state, total, applied_through, done, created,
                     updated, unchanged, failed, created_at, started_ms, progress_ms, finished_at,
                     undone_at)
SELECT i.id, i.org_id, i.started_by, i.file_name,
       CAST(i.header || char(13, 10) || COALESCE(
           (SELECT group_concat(source, char(13, 10))
            FROM (SELECT r.source FROM import_rows_before r
                  WHERE r.import_id = i.id ORDER BY r.row_number)), '') AS BLOB),
       i.encoding, 'null', i.update_existing, i.default_services, i.locale,
       CASE WHEN i.state IN ('running', 'cancelling') THEN 'cancelled' ELSE i.state END,
       i.total, i.total + 1, i.done, i.created, i.updated, i.unchanged, i.failed, i.created_at,
       i.started_ms, i.progress_ms, i.finished_at, i.undone_at
FROM imports_before i;

INSERT INTO import_rows (import_id, row_number, outcome, reason, user_id, previous)
SELECT import_id, row_number, outcome, reason, user_id, previous
FROM import_rows_before WHERE outcome IS NOT NULL;

DROP TABLE import_rows_before;
DROP TABLE imports_before;
