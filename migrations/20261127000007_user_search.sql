-- Search by any part of a name or address without reading every person: a trigram index over
-- both, kept by triggers. Terms shorter than three characters still search with LIKE.

CREATE VIRTUAL TABLE user_search USING fts5(
    email, display_name, content = 'users', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO user_search (user_search) VALUES ('rebuild');

CREATE TRIGGER users_searchable_on_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_search (rowid, email, display_name) VALUES (NEW.id, NEW.email, NEW.display_name);
END;

CREATE TRIGGER users_searchable_on_delete AFTER DELETE ON users BEGIN
    INSERT INTO user_search (user_search, rowid, email, display_name)
    VALUES ('delete', OLD.id, OLD.email, OLD.display_name);
END;

CREATE TRIGGER users_searchable_on_change AFTER UPDATE OF email, display_name ON users BEGIN
    INSERT INTO user_search (user_search, rowid, email, display_name)
    VALUES ('delete', OLD.id, OLD.email, OLD.display_name);
    INSERT INTO user_search (rowid, email, display_name) VALUES (NEW.id, NEW.email, NEW.display_name);
END;
