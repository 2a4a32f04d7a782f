-- No chat is stranded: a session whose assignee is gone goes back to the front of its queue.

-- How long the assignee of an active session may be offline before it goes back.
ALTER TABLE queues ADD COLUMN assignee_grace_seconds INTEGER NOT NULL DEFAULT 60
    CHECK (assignee_grace_seconds BETWEEN 1 AND 86400);

-- The agent a session last came back from, and when: a returned session is at the front of
-- its queue (returned ones first, oldest first), and its offer says whose it was.
ALTER TABLE conversations ADD COLUMN returned_from_id INTEGER REFERENCES users (id);
ALTER TABLE conversations ADD COLUMN returned_at INTEGER;
-- Also a cheap check of the pair: both or neither.
CREATE TRIGGER conversations_returned_pair BEFORE UPDATE OF returned_from_id, returned_at ON conversations
    WHEN (NEW.returned_from_id IS NULL) <> (NEW.returned_at IS NULL)
    BEGIN SELECT RAISE(ABORT, 'returned_from_id and returned_at go together'); END;

-- A new system event, `handed_back`: the entries table is rebuilt for its CHECK.
CREATE TABLE entries_new (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    kind            TEXT    NOT NULL CHECK (kind IN ('comment', 'work_note', 'system')),
    author_id       INTEGER REFERENCES users (id),
    client_id       TEXT,
    body            TEXT    NOT NULL,
    event           TEXT CHECK (event IN ('accepted', 'transferred', 'inactivity_warning', 'still_here', 'closed', 'handed_back')),
    at              INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    CHECK ((kind = 'system') = (event IS NOT NULL))
) WITHOUT ROWID;
INSERT INTO entries_new (conversation_id, seq, kind, author_id, client_id, body, event, at)
    SELECT conversation_id, seq, kind, author_id, client_id, body, event, at FROM entries;
DROP TABLE entries;
ALTER TABLE entries_new RENAME TO entries;
CREATE UNIQUE INDEX entries_idempotency ON entries (conversation_id, author_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX entries_by_author ON entries (author_id, conversation_id);

-- The assignee of an active session went offline (their last socket closed, or the server
-- started with nobody connected): unless they come back, the session goes back to the queue at
-- `due_at`. At most one per session; firing deletes the exact row (assignee and due time) in
-- the transaction that stores what it produces, so it fires once.
CREATE TABLE absences (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
    assignee_id     INTEGER NOT NULL REFERENCES users (id),
    due_at          INTEGER NOT NULL
);
CREATE INDEX absences_by_due ON absences (due_at);
CREATE INDEX absences_by_assignee ON absences (assignee_id);
-- The active sessions, by assignee: the timer's sweep for sessions whose agent is gone without
-- an absence (they took it with no socket open, or the record of their socket's end failed).
CREATE INDEX conversations_active_by_assignee ON conversations (assignee_id) WHERE state = 'active';
