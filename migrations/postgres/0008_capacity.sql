-- Capacity: the most sessions of a queue one agent holds at once (0: no limit), and what each
-- agent holds now, kept in the transaction that accepts, transfers, hands back or closes a
-- session; the conditional increment is the check (racing Accepts wait on the row's lock).

ALTER TABLE queues ADD COLUMN max_sessions_per_agent BIGINT NOT NULL DEFAULT 0
    CHECK (max_sessions_per_agent BETWEEN 0 AND 100);

CREATE TABLE agent_load (
    user_id  BIGINT NOT NULL REFERENCES users (id),
    queue_id BIGINT NOT NULL REFERENCES queues (id),
    active   BIGINT NOT NULL CHECK (active >= 0),
    PRIMARY KEY (user_id, queue_id)
);

INSERT INTO agent_load (user_id, queue_id, active)
    SELECT assignee_id, queue_id, count(*) FROM conversations
    WHERE kind = 'support' AND state = 'active' AND assignee_id IS NOT NULL
    GROUP BY assignee_id, queue_id;
