-- A counter that every write of a case's read model moves on, in the same transaction. A
-- process may keep a listing of case summaries in memory while the counter stands where it
-- was when the listing was read: one indexed read instead of reading every summary again, and
-- correct across processes sharing the database.
CREATE TABLE projection_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO projection_version (id, version) VALUES (1, 0);
