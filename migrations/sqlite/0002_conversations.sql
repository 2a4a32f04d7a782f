-- Conversations, their entries (the log), inactivity deadlines and canned messages.

CREATE TABLE conversations (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('support', 'chat', 'record')),
    state         TEXT    NOT NULL CHECK (state IN ('queued', 'active', 'closed')),
    queue_id      INTEGER REFERENCES queues (id),
    customer_id   INTEGER REFERENCES users (id),
    assignee_id   INTEGER REFERENCES users (id),
    -- The seq of the newest entry; storing an entry increments it in the same transaction.
    last_seq      INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    closed_reason TEXT CHECK (closed_reason IN ('ended_by_agent', 'ended_by_customer', 'timed_out', 'abandoned')),
    first_message TEXT,
    created_at    INTEGER NOT NULL,
    accepted_at   INTEGER,
    closed_at     INTEGER,
    CHECK ((state = 'closed') = (closed_reason IS NOT NULL)),
    CHECK (state <> 'active' OR assignee_id IS NOT NULL),
    CHECK (kind <> 'support' OR (queue_id IS NOT NULL AND customer_id IS NOT NULL))
);
-- A customer has at most one open session per queue.
CREATE UNIQUE INDEX conversations_one_open_per_customer
    ON conversations (customer_id, queue_id) WHERE state <> 'closed' AND kind = 'support';
CREATE INDEX conversations_by_queue_state ON conversations (queue_id, state, id);
CREATE INDEX conversations_by_assignee ON conversations (assignee_id);

CREATE TABLE entries (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    kind            TEXT    NOT NULL CHECK (kind IN ('comment', 'work_note', 'system')),
    author_id       INTEGER REFERENCES users (id),
    client_id       TEXT,
    body            TEXT    NOT NULL,
    event           TEXT CHECK (event IN ('accepted', 'transferred', 'inactivity_warning', 'still_here', 'closed')),
    at              INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    CHECK ((kind = 'system') = (event IS NOT NULL))
) WITHOUT ROWID;
-- A repeated send returns the original entry.
CREATE UNIQUE INDEX entries_idempotency ON entries (conversation_id, author_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX entries_by_author ON entries (author_id, conversation_id);

-- The pending inactivity deadline of a session (at most one). Firing deletes the row in the
-- transaction that stores what it produces, conditionally on the row being unchanged.
CREATE TABLE deadlines (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('warning', 'close')),
    due_at          INTEGER NOT NULL
);
CREATE INDEX deadlines_by_due ON deadlines (due_at);

CREATE TABLE canned_messages (
    id       INTEGER PRIMARY KEY,
    queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    title    TEXT    NOT NULL,
    body     TEXT    NOT NULL,
    UNIQUE (queue_id, title)
);
