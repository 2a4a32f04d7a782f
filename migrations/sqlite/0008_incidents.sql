-- Incidents: ITSM records numbered INC0010001 …, their activity streams (conversations of kind
-- `record`), who follows them, and the `incident_created` / `field_changed` system events; and
-- agents' chosen presence.
--
-- A record conversation is `active` without an assignee, so the rule "an active session has an
-- assignee" is narrowed to support sessions. SQLite changes a CHECK by rebuilding the table; the
-- migration runs in one transaction with foreign keys enforced, so the tables that refer to
-- conversations are set aside (plain copies), dropped, and recreated after it, each row checked
-- again as it goes back.
CREATE TEMP TABLE saved_conversations AS SELECT * FROM conversations;
CREATE TEMP TABLE saved_entries AS SELECT * FROM entries;
CREATE TEMP TABLE saved_deadlines AS SELECT * FROM deadlines;
CREATE TEMP TABLE saved_absences AS SELECT * FROM absences;
CREATE TEMP TABLE saved_read_marks AS SELECT * FROM read_marks;
DROP TABLE entries;
DROP TABLE deadlines;
DROP TABLE absences;
DROP TABLE read_marks;
DROP TABLE conversations;

CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('support', 'chat', 'record')),
    state            TEXT    NOT NULL CHECK (state IN ('queued', 'active', 'closed')),
    queue_id         INTEGER REFERENCES queues (id),
    customer_id      INTEGER REFERENCES users (id),
    assignee_id      INTEGER REFERENCES users (id),
    -- The seq of the newest entry; storing an entry increments it in the same transaction.
    last_seq         INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    -- The seq of the newest entry everyone may see (not a work note).
    last_public_seq  INTEGER NOT NULL DEFAULT 0 CHECK (last_public_seq >= 0),
    closed_reason    TEXT CHECK (closed_reason IN ('ended_by_agent', 'ended_by_customer', 'timed_out', 'abandoned')),
    first_message    TEXT,
    created_at       INTEGER NOT NULL,
    accepted_at      INTEGER,
    closed_at        INTEGER,
    -- The agent the session last came back from, and when (both or neither).
    returned_from_id INTEGER REFERENCES users (id),
    returned_at      INTEGER,
    CHECK ((state = 'closed') = (closed_reason IS NOT NULL)),
    CHECK (kind <> 'support' OR state <> 'active' OR assignee_id IS NOT NULL),
    CHECK (kind <> 'support' OR (queue_id IS NOT NULL AND customer_id IS NOT NULL)),
    CHECK ((returned_from_id IS NULL) = (returned_at IS NULL))
);
INSERT INTO conversations (id, kind, state, queue_id, customer_id, assignee_id, last_seq,
        last_public_seq, closed_reason, first_message, created_at, accepted_at, closed_at,
        returned_from_id, returned_at)
    SELECT id, kind, state, queue_id, customer_id, assignee_id, last_seq, last_public_seq,
        closed_reason, first_message, created_at, accepted_at, closed_at, returned_from_id,
        returned_at
    FROM saved_conversations;
CREATE UNIQUE INDEX conversations_one_open_per_customer
    ON conversations (customer_id, queue_id) WHERE state <> 'closed' AND kind = 'support';
CREATE INDEX conversations_by_queue_state ON conversations (queue_id, state, id);
CREATE INDEX conversations_by_assignee ON conversations (assignee_id);
CREATE INDEX conversations_active_by_assignee ON conversations (assignee_id) WHERE state = 'active';

-- With two new system events, `incident_created` and `field_changed`.
CREATE TABLE entries (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    kind            TEXT    NOT NULL CHECK (kind IN ('comment', 'work_note', 'system')),
    author_id       INTEGER REFERENCES users (id),
    client_id       TEXT,
    body            TEXT    NOT NULL,
    event           TEXT CHECK (event IN ('accepted', 'transferred', 'inactivity_warning', 'still_here',
                                          'closed', 'handed_back', 'incident_created', 'field_changed')),
    at              INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    CHECK ((kind = 'system') = (event IS NOT NULL))
) WITHOUT ROWID;
INSERT INTO entries (conversation_id, seq, kind, author_id, client_id, body, event, at)
    SELECT conversation_id, seq, kind, author_id, client_id, body, event, at FROM saved_entries;
CREATE UNIQUE INDEX entries_idempotency ON entries (conversation_id, author_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX entries_by_author ON entries (author_id, conversation_id);

CREATE TABLE deadlines (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('warning', 'close')),
    due_at          INTEGER NOT NULL,
    held_from       INTEGER
);
INSERT INTO deadlines (conversation_id, kind, due_at, held_from)
    SELECT conversation_id, kind, due_at, held_from FROM saved_deadlines;
CREATE INDEX deadlines_by_due ON deadlines (due_at);

CREATE TABLE absences (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
    assignee_id     INTEGER NOT NULL REFERENCES users (id),
    due_at          INTEGER NOT NULL
);
INSERT INTO absences (conversation_id, assignee_id, due_at)
    SELECT conversation_id, assignee_id, due_at FROM saved_absences;
CREATE INDEX absences_by_due ON absences (due_at);
CREATE INDEX absences_by_assignee ON absences (assignee_id);

CREATE TABLE read_marks (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL CHECK (seq >= 0),
    PRIMARY KEY (user_id, conversation_id)
) WITHOUT ROWID;
INSERT INTO read_marks (user_id, conversation_id, seq)
    SELECT user_id, conversation_id, seq FROM saved_read_marks;

DROP TABLE saved_conversations;
DROP TABLE saved_entries;
DROP TABLE saved_deadlines;
DROP TABLE saved_absences;
DROP TABLE saved_read_marks;

-- Gap-free counters taken in the transaction that uses them (incident numbers).
CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL CHECK (value >= 0)
);
INSERT INTO counters (name, value) VALUES ('incident', 0);

CREATE TABLE incidents (
    id                  INTEGER PRIMARY KEY,
    -- INC followed by 7 digits: 10000 + the counter (INC0010001 first); never reused.
    number              TEXT    NOT NULL UNIQUE,
    caller_id           INTEGER NOT NULL REFERENCES users (id),
    short_description   TEXT    NOT NULL CHECK (length(short_description) BETWEEN 1 AND 160),
    description         TEXT    NOT NULL DEFAULT '',
    category            TEXT    NOT NULL CHECK (category IN ('inquiry', 'software', 'hardware', 'network', 'database')),
    contact_type        TEXT    NOT NULL CHECK (contact_type IN ('chat', 'email', 'phone', 'self_service', 'walk_in')),
    impact              INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 3),
    urgency             INTEGER NOT NULL CHECK (urgency BETWEEN 1 AND 3),
    -- Derived (the ITIL matrix), stored for lists and filters.
    priority            INTEGER NOT NULL CHECK (priority = impact + urgency - 1),
    state               TEXT    NOT NULL CHECK (state IN ('new', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled')),
    resolution_notes    TEXT,
    assignment_group_id INTEGER REFERENCES assignment_groups (id),
    assigned_to_id      INTEGER REFERENCES users (id),
    -- The support session it was created from.
    session_id          INTEGER REFERENCES conversations (id),
    -- Its activity stream: a conversation of kind 'record'.
    activity_id         INTEGER NOT NULL UNIQUE REFERENCES conversations (id),
    created_by_id       INTEGER NOT NULL REFERENCES users (id),
    -- A repeated Save (the same creator and client id) returns the original.
    client_id           TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_by_id       INTEGER NOT NULL REFERENCES users (id),
    updated_at          INTEGER NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (state NOT IN ('resolved', 'closed') OR (resolution_notes IS NOT NULL AND length(resolution_notes) > 0)),
    UNIQUE (created_by_id, client_id)
);
CREATE INDEX incidents_by_caller ON incidents (caller_id, id);
CREATE INDEX incidents_by_assignee ON incidents (assigned_to_id, id);
CREATE INDEX incidents_by_group ON incidents (assignment_group_id, id);
CREATE INDEX incidents_by_session ON incidents (session_id);

-- Who follows an incident's activity (in their Connect sidebar).
CREATE TABLE follows (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    PRIMARY KEY (user_id, incident_id)
) WITHOUT ROWID;
CREATE INDEX follows_by_incident ON follows (incident_id);

-- An agent's chosen presence (Available or Away), so that it outlives a node's restart and is the
-- same on every node. Absent: Available.
CREATE TABLE presence_choices (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    away    BOOLEAN NOT NULL
);
