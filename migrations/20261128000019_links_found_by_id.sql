-- One-time links made from now on carry their row's id in the token and are found by it, their
-- hash checked on the row (see auth::tokens::generate_for). An index over every hash took
-- random-order inserts: each link of a large import landed on a random page of it. Links made
-- before are still found by hash, through an index over theirs alone.
ALTER TABLE account_tokens ADD COLUMN found_by_hash BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE account_tokens SET found_by_hash = TRUE;
DROP INDEX account_tokens_token_hash;
CREATE UNIQUE INDEX account_tokens_older_hash ON account_tokens (token_hash) WHERE found_by_hash = 1;
