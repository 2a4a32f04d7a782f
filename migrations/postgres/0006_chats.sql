-- Connect Chat: conversations of kind `chat` between colleagues (direct, or a named group),
-- their members, and colleagues invited into a support session; the system events
-- `member_added` and `member_left`.

ALTER TABLE conversations ADD COLUMN title TEXT
    CHECK (title IS NULL OR char_length(title) BETWEEN 1 AND 100);
-- A direct chat's two users ("low id:high id"): there is one direct chat per pair.
ALTER TABLE conversations ADD COLUMN direct_key TEXT;
CREATE UNIQUE INDEX conversations_direct_chat ON conversations (direct_key)
    WHERE direct_key IS NOT NULL;
-- A chat has no customer: customers never see one.
ALTER TABLE conversations ADD CONSTRAINT conversations_chat_has_no_customer
    CHECK (kind <> 'chat' OR customer_id IS NULL);

-- Who is in a chat (`member`), and who is invited into a support session to help (`invited`:
-- rows deleted in the transaction that closes, transfers or hands back the session).
CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    role            TEXT   NOT NULL CHECK (role IN ('member', 'invited')),
    added_at        BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_by_user ON conversation_members (user_id, role);

ALTER TABLE entries DROP CONSTRAINT entries_event_check;
ALTER TABLE entries ADD CONSTRAINT entries_event_check
    CHECK (event IN ('accepted', 'transferred', 'inactivity_warning', 'still_here', 'closed',
                     'handed_back', 'incident_created', 'field_changed', 'member_added',
                     'member_left'));
