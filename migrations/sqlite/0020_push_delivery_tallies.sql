-- Schema v20: a post's deliveries older than 30 days are kept only as counts (by kind of
-- delivery and outcome); the rows themselves, which name a subscription and a resident, go.
CREATE TABLE push_delivery_tallies (
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    is_update   INTEGER NOT NULL,
    state       TEXT NOT NULL,
    deliveries  INTEGER NOT NULL,
    PRIMARY KEY (post_id, is_update, state)
);
