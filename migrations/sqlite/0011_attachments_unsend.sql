-- Attachments (a file posted as an entry of its own; its bytes under the data directory by
-- SHA-256), unsend (an entry withdrawn by its author: the body moves to `withdrawals`, a marker
-- entry of the same kind with the event `withdrawn` names it), and each queue's unsend window.

ALTER TABLE queues ADD COLUMN unsend_seconds INTEGER NOT NULL DEFAULT 120
    CHECK (unsend_seconds BETWEEN 0 AND 3600);

-- The entries table again (SQLite changes a CHECK by rebuilding the table; no other table
-- refers to it): the event `withdrawn` on a comment or work note, the seq it withdraws, and who
-- withdrew an entry and when.
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
                                          'member_added', 'member_left', 'withdrawn')),
    at              INTEGER NOT NULL,
    -- A `withdrawn` marker: the seq it withdrew (earlier in the same conversation).
    withdraws_seq   INTEGER CHECK (withdraws_seq IS NULL OR withdraws_seq < seq),
    withdrawn_by    INTEGER REFERENCES users (id),
    withdrawn_at    INTEGER,
    PRIMARY KEY (conversation_id, seq),
    CHECK ((kind = 'system') = (event IS NOT NULL AND event <> 'withdrawn')),
    CHECK ((coalesce(event, '') = 'withdrawn') = (withdraws_seq IS NOT NULL)),
    CHECK ((withdrawn_by IS NULL) = (withdrawn_at IS NULL)),
    -- A withdrawn entry keeps no body: it is in `withdrawals`.
    CHECK (withdrawn_at IS NULL OR body = '')
) WITHOUT ROWID;
INSERT INTO entries (conversation_id, seq, kind, author_id, client_id, body, event, at)
    SELECT conversation_id, seq, kind, author_id, client_id, body, event, at FROM saved_entries;
CREATE UNIQUE INDEX entries_idempotency ON entries (conversation_id, author_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX entries_by_author ON entries (author_id, conversation_id);
DROP TABLE saved_entries;

-- A file posted as entry (conversation_id, seq). The bytes: <data>/attachments/ab/<sha256>.
CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    content_type    TEXT    NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif',
                                                             'image/webp', 'application/pdf', 'text/plain')),
    size            INTEGER NOT NULL CHECK (size >= 1),
    sha256          TEXT    NOT NULL CHECK (length(sha256) = 64),
    UNIQUE (conversation_id, seq)
);
CREATE INDEX attachments_by_content ON attachments (sha256);

-- The audit record of a withdrawn entry: its body as it was (who wrote it and when, who
-- withdrew it and when, are on the entry). Never changed through the API.
CREATE TABLE withdrawals (
    conversation_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
