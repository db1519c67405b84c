-- Schema v14: private messages ("Une suggestion ?") from a device to a shop's team or to a
-- district's stewards, with the team's answer; and personal push notices (an answer for its
-- resident, a new review or message for a shop's team, a reply for a reviewer), sent by the
-- push worker like the posts' deliveries but to one profile's browsers; and a shop's listings
-- elsewhere (its Google Maps place, other pages).

-- A message to a shop (shop_id) or to a district's association (district_id): exactly one.
CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    town_id      INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    shop_id      INTEGER REFERENCES shops (id) ON DELETE CASCADE,
    district_id  INTEGER REFERENCES districts (id) ON DELETE CASCADE,
    -- the sender's device profile (their "Mes messages"); NULL once that profile is gone
    profile_id   INTEGER REFERENCES device_profiles (id) ON DELETE SET NULL,
    body         TEXT NOT NULL,
    -- where to send the answer, if the sender left an address
    email        TEXT,
    -- the sender's language (the answer's e-mail and push speak it)
    locale       TEXT NOT NULL,
    answer       TEXT,
    answered_at  TEXT,
    answered_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- set when the team closes it without an answer
    closed_at    TEXT,
    -- set when its sender changed it (possible until it is answered or closed)
    edited_at    TEXT,
    created_at   TEXT NOT NULL,
    CHECK ((shop_id IS NULL) <> (district_id IS NULL))
);
CREATE INDEX messages_shop ON messages (shop_id, created_at);
CREATE INDEX messages_district ON messages (district_id, created_at);
CREATE INDEX messages_profile ON messages (profile_id, created_at);

-- A notification for one browser that is about no post.
CREATE TABLE push_notices (
    id               INTEGER PRIMARY KEY,
    -- the town whose quiet hours apply when the recipient chose none
    town_id          INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    subscription_id  INTEGER REFERENCES push_subscriptions (id) ON DELETE SET NULL,
    -- the message it tells of (a new one, or its answer): the notice goes with it
    message_id       INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    -- the page it opens (a path of the site)
    path             TEXT NOT NULL,
    -- replaces an earlier notice with the same tag on the device
    tag              TEXT NOT NULL,
    lang             TEXT NOT NULL,
    -- whether it waits for the end of the recipient's quiet hours
    respects_quiet   INTEGER NOT NULL,
    -- pending; delivered (2xx); gone (the subscription no longer exists: deleted); failed (gave
    -- up); dropped (the subscription was removed meanwhile)
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'delivered', 'gone', 'failed', 'dropped')),
    due_at           TEXT NOT NULL,
    leased_until     TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status      INTEGER,
    created_at       TEXT NOT NULL,
    finished_at      TEXT
);
CREATE INDEX push_notices_due ON push_notices (due_at) WHERE state = 'pending';
CREATE INDEX push_notices_subscription ON push_notices (subscription_id);

-- Where else a shop is listed, recorded by its merchants or stewards: its Google Maps place
-- (a Place ID: the page and the "write a review" link are made from it) and other pages
-- (directories, social networks), one web address per line.
ALTER TABLE shops ADD COLUMN google_place_id TEXT;
ALTER TABLE shops ADD COLUMN listings TEXT NOT NULL DEFAULT '';
