-- Canned message ids are never reused. Without AUTOINCREMENT SQLite gives a new row the highest
-- id in use plus one, so deleting the newest canned message handed its id to the next one
-- created, and a client still holding the old id posted a different message.
--
-- canned_messages is the only table whose rows are deleted and whose ids clients hold. Users are
-- disabled, never deleted; groups, queues and conversations have no delete path. Those tables are
-- referenced with ON DELETE CASCADE, so the migration that adds a way to delete them rebuilds
-- them the same way (with foreign keys off, or the rebuild's DROP would cascade).
--
-- Nothing references canned_messages, so the table is rebuilt in this migration's transaction.
-- The copy keeps every id; AUTOINCREMENT continues after the highest one.

CREATE TABLE canned_messages_new (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    title    TEXT    NOT NULL,
    body     TEXT    NOT NULL,
    UNIQUE (queue_id, title)
);

INSERT INTO canned_messages_new (id, queue_id, title, body)
    SELECT id, queue_id, title, body FROM canned_messages;

DROP TABLE canned_messages;

ALTER TABLE canned_messages_new RENAME TO canned_messages;
