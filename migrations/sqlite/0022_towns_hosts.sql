-- Schema v22: many towns on one deployment. A town is chosen by the request's host name; its
-- own settings override the instance's (NULL: the instance's setting).
ALTER TABLE towns ADD COLUMN host TEXT;
ALTER TABLE towns ADD COLUMN base_url TEXT;
ALTER TABLE towns ADD COLUMN default_locale TEXT;
ALTER TABLE towns ADD COLUMN vapid_subject TEXT;
-- 'none': markers on a plain background
ALTER TABLE towns ADD COLUMN tile_url TEXT;
ALTER TABLE towns ADD COLUMN tile_attribution TEXT;
ALTER TABLE towns ADD COLUMN mail_from TEXT;
CREATE UNIQUE INDEX towns_host ON towns (host);

-- Each town signs its Web Push requests with its own VAPID key pair (RFC 8292). The one key
-- pair of earlier versions stays every existing town's, so that their subscriptions go on.
CREATE TABLE town_vapid_keys (
    town_id      INTEGER PRIMARY KEY REFERENCES towns (id) ON DELETE CASCADE,
    -- the P-256 private scalar (32 bytes), base64url
    private_key  TEXT NOT NULL,
    -- the public key, an uncompressed point (65 bytes), base64url: the browsers' applicationServerKey
    public_key   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
INSERT INTO town_vapid_keys (town_id, private_key, public_key, created_at)
SELECT t.id, k.private_key, k.public_key, k.created_at FROM towns t CROSS JOIN vapid_keys k;
DROP TABLE vapid_keys;

-- A subscription is made with one town's key and only carries that town's pushes; a session
-- is valid on the town it was opened on. NULL: made by an earlier version on a database of
-- several towns (then every town's).
ALTER TABLE push_subscriptions ADD COLUMN town_id INTEGER REFERENCES towns (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN town_id INTEGER REFERENCES towns (id) ON DELETE CASCADE;
-- A database of one town (the usual case): they are that town's.
UPDATE push_subscriptions SET town_id = (SELECT MIN(id) FROM towns)
WHERE (SELECT COUNT(*) FROM towns) = 1;
UPDATE sessions SET town_id = (SELECT MIN(id) FROM towns)
WHERE (SELECT COUNT(*) FROM towns) = 1;
