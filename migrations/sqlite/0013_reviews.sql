-- Schema v13: residents' reviews of shops (a rating and a text), their earlier versions, the
-- shop's public reply, "useful" marks, reports and the moderators' log; accounts gain the name
-- shown on their reviews; towns gain their anti-abuse settings for reviews.

-- The name shown on an account's reviews; NULL: the part of the e-mail before '@'.
ALTER TABLE users ADD COLUMN display_name TEXT;

-- Hold a new account's first review for a moderator (0: publish at once).
ALTER TABLE towns ADD COLUMN review_hold_first INTEGER NOT NULL DEFAULT 0;
-- Minutes an account must exist before it may review (0: none).
ALTER TABLE towns ADD COLUMN review_min_account_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (review_min_account_minutes >= 0);

-- One review per account per shop. published: on the page; held: waiting for a moderator (a new
-- account's first review, a text the account already wrote elsewhere); hidden: by a moderator,
-- whose reason the author sees.
CREATE TABLE reviews (
    id             INTEGER PRIMARY KEY,
    town_id        INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    shop_id        INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating         INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body           TEXT NOT NULL,
    visited_on     TEXT,
    status         TEXT NOT NULL CHECK (status IN ('published', 'held', 'hidden')),
    status_reason  TEXT,
    -- the text folded for comparing one account's reviews (near-duplicates are held)
    fingerprint    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    -- set when the author changed it
    edited_at      TEXT,
    UNIQUE (shop_id, user_id)
);
CREATE INDEX reviews_shop ON reviews (shop_id, status, created_at);
CREATE INDEX reviews_user ON reviews (user_id);
CREATE INDEX reviews_town_status ON reviews (town_id, status);

-- What a review said before each edit, for moderators.
CREATE TABLE review_versions (
    id          INTEGER PRIMARY KEY,
    review_id   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    rating      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    visited_on  TEXT,
    written_at  TEXT NOT NULL
);
CREATE INDEX review_versions_review ON review_versions (review_id);

-- The shop's one public reply to a review.
CREATE TABLE review_replies (
    review_id       INTEGER PRIMARY KEY REFERENCES reviews (id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    author_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    hidden_reason   TEXT,
    created_at      TEXT NOT NULL,
    edited_at       TEXT
);

-- "Useful", once per device.
CREATE TABLE review_useful (
    review_id   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    profile_id  INTEGER NOT NULL REFERENCES device_profiles (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (review_id, profile_id)
);

-- A report of a review or of its reply, once per device; closed by a moderator's decision.
CREATE TABLE review_reports (
    id           INTEGER PRIMARY KEY,
    review_id    INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    target       TEXT NOT NULL CHECK (target IN ('review', 'reply')),
    reason       TEXT NOT NULL CHECK (reason IN ('insult', 'personal_data', 'spam',
                                                 'conflict_of_interest', 'off_topic', 'other')),
    details      TEXT NOT NULL,
    profile_id   INTEGER NOT NULL REFERENCES device_profiles (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    resolved_at  TEXT,
    UNIQUE (review_id, target, profile_id)
);
CREATE INDEX review_reports_open ON review_reports (resolved_at, review_id);

-- Every moderator's decision: who, when, what, why. Kept when the review is deleted.
CREATE TABLE moderation_log (
    id             INTEGER PRIMARY KEY,
    town_id        INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    review_id      INTEGER,
    shop_id        INTEGER,
    -- the review's author (a review deleted after it was hidden comes back held)
    author_user_id INTEGER,
    target         TEXT NOT NULL CHECK (target IN ('review', 'reply')),
    action         TEXT NOT NULL CHECK (action IN ('hide', 'restore', 'dismiss', 'publish')),
    reason         TEXT NOT NULL,
    actor_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX moderation_log_town ON moderation_log (town_id, created_at);
CREATE INDEX moderation_log_author ON moderation_log (author_user_id, shop_id);
