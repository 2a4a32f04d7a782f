-- Every upload a user starts, with the bytes it may hold (the limit, reserved before a byte is
-- read; the file's size once it is in): the hourly quota counts these, so uploads refused
-- later (a stale or forbidden post) and uploads started in parallel count too.
CREATE TABLE upload_ledger (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    at      INTEGER NOT NULL,
    bytes   INTEGER NOT NULL CHECK (bytes >= 0)
);
CREATE INDEX upload_ledger_by_user ON upload_ledger (user_id, at);
