-- An import's file in a table of its own. SQLite rewrites a whole row on any update and walks a
-- large value's overflow pages to read the columns after it: with the file inside `imports`, every
-- progress update of a job rewrote the file (megabytes per batch, in the WAL and checkpoints) and
-- every progress poll read through it.

CREATE TABLE import_files (
    import_id BIGINT PRIMARY KEY REFERENCES imports (id),
    file BLOB NOT NULL
);
INSERT INTO import_files (import_id, file) SELECT id, file FROM imports;
ALTER TABLE imports DROP COLUMN file;
