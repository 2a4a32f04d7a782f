-- The satisfaction survey: a queue asks (or not) the customer to rate a session when it ends,
-- one answer per session, by its customer (the key and the service's rule).

ALTER TABLE queues ADD COLUMN survey INTEGER NOT NULL DEFAULT 1 CHECK (survey IN (0, 1));

CREATE TABLE survey_answers (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment         TEXT CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 1000),
    at              INTEGER NOT NULL
);
