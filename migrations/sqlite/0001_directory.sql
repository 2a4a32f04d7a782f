-- The directory: users, their web sessions, assignment groups and chat queues.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    is_manager    INTEGER NOT NULL DEFAULT 0 CHECK (is_manager IN (0, 1)),
    is_agent      INTEGER NOT NULL DEFAULT 0 CHECK (is_agent IN (0, 1)),
    is_customer   INTEGER NOT NULL DEFAULT 0 CHECK (is_customer IN (0, 1)),
    itil          INTEGER NOT NULL DEFAULT 0 CHECK (itil IN (0, 1)),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL,
    CHECK (is_admin + is_manager + is_agent + is_customer >= 1)
);

-- A signed-in browser. Only the SHA-256 of the cookie's token is stored.
CREATE TABLE web_sessions (
    token_hash   BLOB    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);

CREATE TABLE assignment_groups (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES assignment_groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members (user_id);

CREATE TABLE queues (
    id                         INTEGER PRIMARY KEY,
    name                       TEXT    NOT NULL UNIQUE,
    group_id                   INTEGER NOT NULL REFERENCES assignment_groups (id),
    greeting                   TEXT    NOT NULL DEFAULT '',
    inactivity_warning_seconds INTEGER NOT NULL DEFAULT 120
        CHECK (inactivity_warning_seconds BETWEEN 1 AND 86400),
    auto_close_seconds         INTEGER NOT NULL DEFAULT 60
        CHECK (auto_close_seconds BETWEEN 1 AND 86400),
    created_at                 INTEGER NOT NULL
);

-- Failed sign-ins per key ('account:<username>' or 'address:<ip>'), for throttling.
CREATE TABLE sign_in_failures (
    key             TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL CHECK (failures >= 1),
    last_failure_at INTEGER NOT NULL
) WITHOUT ROWID;
