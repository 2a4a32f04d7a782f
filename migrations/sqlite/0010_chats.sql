-- Connect Chat: conversations of kind `chat` between colleagues (direct, or a named group),
-- their members, and colleagues invited into a support session; the system events
-- `member_added` and `member_left`.

ALTER TABLE conversations ADD COLUMN title TEXT
    CHECK (title IS NULL OR length(title) BETWEEN 1 AND 100);
-- A direct chat's two users ("low id:high id"): there is one direct chat per pair.
ALTER TABLE conversations ADD COLUMN direct_key TEXT;
CREATE UNIQUE INDEX conversations_direct_chat ON conversations (direct_key)
    WHERE direct_key IS NOT NULL;

-- Who is in a chat (`member`), and who is invited into a support session to help (`invited`:
-- rows deleted in the transaction that closes, transfers or hands back the session).
CREATE TABLE conversation_members (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    role            TEXT    NOT NULL CHECK (role IN ('member', 'invited')),
    added_at        INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX conversation_members_by_user ON conversation_members (user_id, role);

-- The entries table again, with the two new events (SQLite changes a CHECK by rebuilding the
-- table; no other table refers to it).
CREATE TEMP TABLE saved_entries AS SELECT * FROM entries;
DROP TABLE entries;
CREATE TABLE entries (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    kind            TEXT    NOT NULL CHECK (kind IN ('comment', 'work_note', 'system')),
    author_id       INTEGER REFERENCES users (id),
    client_id       TEXT,
    body            TEXT    NOT NULL,
    event           TEXT CHECK (event IN ('accepted', 'transferred', 'inactivity_warning', 'still_here',
                                          'closed', 'handed_back', 'incident_created', 'field_changed',
                                          'member_added', 'member_left')),
    at              INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    CHECK ((kind = 'system') = (event IS NOT NULL))
) WITHOUT ROWID;
INSERT INTO entries (conversation_id, seq, kind, author_id, client_id, body, event, at)
    SELECT conversation_id, seq, kind, author_id, client_id, body, event, at FROM saved_entries;
CREATE UNIQUE INDEX entries_idempotency ON entries (conversation_id, author_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX entries_by_author ON entries (author_id, conversation_id);
DROP TABLE saved_entries;
