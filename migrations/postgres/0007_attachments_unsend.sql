-- Attachments (a file posted as an entry of its own; its bytes in the database, by SHA-256, so
-- that nodes share no disk), unsend (an entry withdrawn by its author: the body moves to
-- `withdrawals`, a marker entry of the same kind with the event `withdrawn` names it), and each
-- queue's unsend window.

ALTER TABLE queues ADD COLUMN unsend_seconds BIGINT NOT NULL DEFAULT 120
    CHECK (unsend_seconds BETWEEN 0 AND 3600);

ALTER TABLE entries DROP CONSTRAINT entries_event_check;
ALTER TABLE entries ADD CONSTRAINT entries_event_check
    CHECK (event IN ('accepted', 'transferred', 'inactivity_warning', 'still_here', 'closed',
                     'handed_back', 'incident_created', 'field_changed', 'member_added',
                     'member_left', 'withdrawn'));
ALTER TABLE entries DROP CONSTRAINT entries_check;
ALTER TABLE entries ADD CONSTRAINT entries_check
    CHECK ((kind = 'system') = (event IS NOT NULL AND event <> 'withdrawn'));
ALTER TABLE entries ADD COLUMN withdraws_seq BIGINT CHECK (withdraws_seq IS NULL OR withdraws_seq < seq);
ALTER TABLE entries ADD COLUMN withdrawn_by BIGINT REFERENCES users (id);
ALTER TABLE entries ADD COLUMN withdrawn_at BIGINT;
ALTER TABLE entries ADD CONSTRAINT entries_marker_check
    CHECK ((coalesce(event, '') = 'withdrawn') = (withdraws_seq IS NOT NULL));
ALTER TABLE entries ADD CONSTRAINT entries_withdrawn_check
    CHECK ((withdrawn_by IS NULL) = (withdrawn_at IS NULL) AND (withdrawn_at IS NULL OR body = ''));

-- The bytes of each content once: a row when every chunk is stored (in the same transaction).
CREATE TABLE attachment_blobs (
    sha256 TEXT   PRIMARY KEY CHECK (length(sha256) = 64),
    size   BIGINT NOT NULL CHECK (size >= 1)
);
CREATE TABLE attachment_chunks (
    sha256 TEXT    NOT NULL,
    n      INTEGER NOT NULL CHECK (n >= 0),
    data   BYTEA   NOT NULL,
    PRIMARY KEY (sha256, n)
);

-- A file posted as entry (conversation_id, seq).
CREATE TABLE attachments (
    id              BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    name            TEXT   NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    content_type    TEXT   NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif',
                                                            'image/webp', 'application/pdf', 'text/plain')),
    size            BIGINT NOT NULL CHECK (size >= 1),
    sha256          TEXT   NOT NULL REFERENCES attachment_blobs (sha256),
    UNIQUE (conversation_id, seq),
    FOREIGN KEY (conversation_id, seq) REFERENCES entries (conversation_id, seq)
);

-- The audit record of a withdrawn entry: its body as it was. Never changed through the API.
CREATE TABLE withdrawals (
    conversation_id BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    body            TEXT   NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    FOREIGN KEY (conversation_id, seq) REFERENCES entries (conversation_id, seq)
);
