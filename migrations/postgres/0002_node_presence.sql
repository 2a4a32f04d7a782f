-- Who is connected where, for the questions every node must answer alike: is this agent online
-- anywhere (a Transfer to them; their sessions going back to the queue)? Each node keeps its
-- own rows; a node that stopped beating (`seen_at`, the database's clock) counts for nobody.
CREATE TABLE nodes (
    id      BIGINT      PRIMARY KEY,
    seen_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE node_sockets (
    node_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sockets BIGINT NOT NULL CHECK (sockets > 0),
    PRIMARY KEY (node_id, user_id)
);
CREATE INDEX node_sockets_by_user ON node_sockets (user_id);
