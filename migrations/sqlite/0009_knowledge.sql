-- Knowledge articles, numbered KB0010001 … from the `counters` row, and their full-text index
-- (FTS5 with English stemming, kept by triggers in the transaction that writes the article).

INSERT INTO counters (name, value) VALUES ('kb_article', 0);

CREATE TABLE kb_articles (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- KB followed by 7 digits: 10000 + the counter (KB0010001 first); never reused.
    number        TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 160),
    -- Markdown, as written.
    body          TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 50000),
    -- The body as plain text (what a reader sees): what is searched and quoted in snippets.
    body_text     TEXT    NOT NULL,
    category      TEXT    NOT NULL CHECK (length(category) BETWEEN 1 AND 60),
    state         TEXT    NOT NULL CHECK (state IN ('draft', 'published', 'retired')),
    author_id     INTEGER NOT NULL REFERENCES users (id),
    updated_by_id INTEGER NOT NULL REFERENCES users (id),
    -- A repeated create (the same author and client id) returns the original.
    client_id     TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    published_at  INTEGER,
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (state = 'draft' OR published_at IS NOT NULL OR state = 'retired'),
    UNIQUE (author_id, client_id)
);
CREATE INDEX kb_articles_by_state ON kb_articles (state, updated_at);

CREATE VIRTUAL TABLE kb_fts USING fts5(
    title, body_text,
    content = 'kb_articles', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER kb_articles_index_insert AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_fts (rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
END;

CREATE TRIGGER kb_articles_index_update AFTER UPDATE OF title, body_text ON kb_articles BEGIN
    INSERT INTO kb_fts (kb_fts, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
    INSERT INTO kb_fts (rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
END;

CREATE TRIGGER kb_articles_index_delete AFTER DELETE ON kb_articles BEGIN
    INSERT INTO kb_fts (kb_fts, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
END;
