-- What the users table shows and sorts by: when an invitation runs out (Expired is Invite pending
-- past this time, so it is never stale), when it was withdrawn, and when someone was deactivated.

ALTER TABLE users ADD COLUMN invitation_expires_at BIGINT;
ALTER TABLE users ADD COLUMN invitation_revoked_at BIGINT;
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;

UPDATE users SET invitation_expires_at = (
    SELECT MAX(t.expires_at) FROM account_tokens t
    WHERE t.user_id = users.id AND t.purpose = 'welcome'
) WHERE status = 'invite_pending';

-- A withdrawn link says so, rather than claiming it was used.
ALTER TABLE account_tokens ADD COLUMN revoked_at BIGINT;

-- Keyset paging in each sort order, and the counts per status, come from indexes.
CREATE INDEX users_org_name ON users (org_id, lower(coalesce(display_name, email)), id);
CREATE INDEX users_org_created ON users (org_id, created_at, id);
CREATE INDEX users_org_signed_in ON users (org_id, coalesce(last_sign_in_at, 0), id);
CREATE INDEX users_org_status_expiry ON users (org_id, status, invitation_expires_at);
CREATE INDEX users_org_status_name ON users (org_id, status, lower(coalesce(display_name, email)), id);
-- Its columns lead users_org_status_expiry; one index fewer to keep up on every insert.
DROP INDEX users_org_status;

-- How many people each organisation has per stored status, kept by triggers so the counts above
-- the users table cost one small read instead of a scan of every person.
CREATE TABLE user_counts (
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, status)
);
INSERT INTO user_counts (org_id, status, n) SELECT org_id, status, COUNT(*) FROM users GROUP BY org_id, status;

CREATE TRIGGER users_counted_on_insert AFTER INSERT ON users BEGIN
    INSERT OR IGNORE INTO user_counts (org_id, status, n) VALUES (NEW.org_id, NEW.status, 0);
    UPDATE user_counts SET n = n + 1 WHERE org_id = NEW.org_id AND status = NEW.status;
END;

CREATE TRIGGER users_counted_on_delete AFTER DELETE ON users BEGIN
    UPDATE user_counts SET n = n - 1 WHERE org_id = OLD.org_id AND status = OLD.status;
END;

CREATE TRIGGER users_counted_on_status AFTER UPDATE OF status ON users
WHEN OLD.status <> NEW.status BEGIN
    UPDATE user_counts SET n = n - 1 WHERE org_id = OLD.org_id AND status = OLD.status;
    INSERT OR IGNORE INTO user_counts (org_id, status, n) VALUES (NEW.org_id, NEW.status, 0);
    UPDATE user_counts SET n = n + 1 WHERE org_id = NEW.org_id AND status = NEW.status;
END;
