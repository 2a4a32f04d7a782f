-- The seq of the newest entry everyone may see (not a work note). A viewer without the ITIL
-- role is told this instead of last_seq, so nothing hints at work notes after it. Storing an
-- entry moves it in the same statement that takes the entry's seq.
ALTER TABLE conversations ADD COLUMN last_public_seq INTEGER NOT NULL DEFAULT 0
    CHECK (last_public_seq >= 0);
UPDATE conversations SET last_public_seq = coalesce(
    (SELECT max(seq) FROM entries e WHERE e.conversation_id = conversations.id AND e.kind <> 'work_note'),
    0);
