-- Schema v9: the push outbox. Publishing a post writes a job in the same transaction; a worker
-- expands each job into one delivery per subscription of the post's followers (idempotently),
-- then sends the deliveries, recording each outcome. A delivery is leased while it is being
-- sent: after a crash, what was leased becomes due again once the lease has run out.
CREATE TABLE push_jobs (
    id           INTEGER PRIMARY KEY,
    post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    -- when the deliveries may start (the post's publication time)
    due_at       TEXT NOT NULL,
    expanded_at  TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX push_jobs_pending ON push_jobs (due_at) WHERE expanded_at IS NULL;
CREATE INDEX push_jobs_post ON push_jobs (post_id);

CREATE TABLE push_deliveries (
    id               INTEGER PRIMARY KEY,
    job_id           INTEGER NOT NULL REFERENCES push_jobs (id) ON DELETE CASCADE,
    post_id          INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    -- kept (as NULL) when the subscription goes, so that the post's figures stay
    subscription_id  INTEGER REFERENCES push_subscriptions (id) ON DELETE SET NULL,
    -- the resident it is for (caps count per resident, whatever their devices)
    profile_id       INTEGER,
    -- pending; delivered (2xx); gone (the push service said the subscription no longer
    -- exists: it was deleted); failed (gave up after retries); expired (the post ended before
    -- it could go); dropped (the subscription was removed meanwhile); capped (the resident had
    -- had enough pushes of this shop today, or of districts this week: the post stays in the feed)
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'delivered', 'gone', 'failed', 'expired', 'dropped', 'capped')),
    due_at           TEXT NOT NULL,
    leased_until     TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- the push service's last HTTP status (none after a network error)
    last_status      INTEGER,
    created_at       TEXT NOT NULL,
    finished_at      TEXT,
    UNIQUE (job_id, subscription_id)
);
CREATE INDEX push_deliveries_due ON push_deliveries (due_at) WHERE state = 'pending';
CREATE INDEX push_deliveries_post ON push_deliveries (post_id, state);
CREATE INDEX push_deliveries_subscription ON push_deliveries (subscription_id);
CREATE INDEX push_deliveries_profile ON push_deliveries (profile_id, created_at);
