-- The satisfaction survey: a queue asks (or not) the customer to rate a session when it ends,
-- one answer per session, by its customer (the key and the service's rule).

ALTER TABLE queues ADD COLUMN survey BOOLEAN NOT NULL DEFAULT true;

CREATE TABLE survey_answers (
    conversation_id BIGINT PRIMARY KEY REFERENCES conversations (id),
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment         TEXT CHECK (comment IS NULL OR char_length(comment) BETWEEN 1 AND 1000),
    at              BIGINT NOT NULL
);
