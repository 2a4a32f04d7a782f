-- How far each user has read each conversation, for unread counts.
CREATE TABLE read_marks (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL CHECK (seq >= 0),
    PRIMARY KEY (user_id, conversation_id)
) WITHOUT ROWID;
