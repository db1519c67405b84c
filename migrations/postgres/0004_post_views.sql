-- Schema v4: how often each post was shown, per day (UTC), for the merchants' figures.
CREATE TABLE post_views (
    post_id  BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    views    BIGINT NOT NULL,
    PRIMARY KEY (post_id, day)
);
