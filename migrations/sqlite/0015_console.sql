-- The managers' console: the audit log, the order of canned messages, routing guards.

-- Every change made through the console and the admin API, written in the transaction of the
-- change it records. Append-only: the database refuses to change or delete an entry.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL REFERENCES users (id),
    action      TEXT    NOT NULL CHECK (action IN ('user.create', 'user.update', 'group.create',
                    'group.add_member', 'group.remove_member', 'queue.create', 'queue.update',
                    'canned.create', 'canned.update', 'canned.delete', 'canned.reorder')),
    target_kind TEXT    NOT NULL CHECK (target_kind IN ('user', 'group', 'queue', 'canned')),
    target_id   INTEGER NOT NULL,
    target_name TEXT    NOT NULL,
    before      TEXT,
    after       TEXT
);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_by_target ON audit_log (target_kind, target_id, id);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Canned messages in the order a manager gives them (until now: by title).
ALTER TABLE canned_messages ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE canned_messages SET position = (
    SELECT count(*) FROM canned_messages o
    WHERE o.queue_id = canned_messages.queue_id AND o.title < canned_messages.title);

-- Routing guards (0: off): an offer nobody accepts, an accepted session nobody answers.
ALTER TABLE queues ADD COLUMN offer_alert_seconds INTEGER NOT NULL DEFAULT 60
    CHECK (offer_alert_seconds BETWEEN 0 AND 3600);
ALTER TABLE queues ADD COLUMN reply_alert_seconds INTEGER NOT NULL DEFAULT 120
    CHECK (reply_alert_seconds BETWEEN 0 AND 3600);

-- The pending guard of a session (at most one), set in the transaction that queues, accepts,
-- transfers or closes it. `offer`: nobody accepted it yet; `offered`: that fired (no due time
-- left: the session is marked alerted until it leaves the queue); `reply`: its agent has not
-- commented since taking it; `reply_return`: they were alerted, and it goes back to the queue
-- when due. Firing changes or deletes the exact row read (kind and due time), so it fires once.
CREATE TABLE guards (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('offer', 'offered', 'reply', 'reply_return')),
    assignee_id     INTEGER REFERENCES users (id),
    due_at          INTEGER,
    -- The queue's setting when the guard was set: it fires with this, whatever the setting is
    -- by then.
    seconds         INTEGER NOT NULL CHECK (seconds BETWEEN 1 AND 3600),
    CHECK ((kind IN ('offer', 'offered')) = (assignee_id IS NULL)),
    CHECK ((kind = 'offered') = (due_at IS NULL))
);
CREATE INDEX guards_by_due ON guards (due_at) WHERE due_at IS NOT NULL;
-- Sessions waiting now get their offer guard, counted from when they started waiting.
INSERT INTO guards (conversation_id, kind, assignee_id, due_at, seconds)
    SELECT c.id, 'offer', NULL, coalesce(c.returned_at, c.created_at) + q.offer_alert_seconds * 1000,
           q.offer_alert_seconds
    FROM conversations c JOIN queues q ON q.id = c.queue_id
    WHERE c.kind = 'support' AND c.state = 'queued' AND q.offer_alert_seconds > 0;

-- The first Accept (`accepted_at` is the latest: a session taken again after it came back):
-- the live view measures the time to accept and the handling from it.
ALTER TABLE conversations ADD COLUMN first_accepted_at INTEGER;
UPDATE conversations SET first_accepted_at = accepted_at;
