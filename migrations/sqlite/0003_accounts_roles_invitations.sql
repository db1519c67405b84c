-- Schema v3: accounts, sessions, sign-in links, roles, invitations, rate limits; posts gain
-- who wrote them and an idempotency key (offline posting queue).

-- An account, known by its e-mail address (lower-cased). Its follows live in a device profile
-- of its own, into which each signed-in device's profile is merged.
CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    profile_id       INTEGER REFERENCES device_profiles (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    last_sign_in_at  TEXT
);

-- A signed-in browser. The cookie holds a random 256-bit token; only its SHA-256 is kept.
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- What a user may do beyond reading and following.
CREATE TABLE town_admins (
    town_id     INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (town_id, user_id)
);
CREATE TABLE shop_members (
    shop_id     INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (shop_id, user_id)
);
CREATE INDEX shop_members_user ON shop_members (user_id);
CREATE TABLE district_stewards (
    district_id  INTEGER NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (district_id, user_id)
);
CREATE INDEX district_stewards_user ON district_stewards (user_id);

-- A single-use link that grants a role: owner or staff of a shop, steward of a district, or
-- administrator of the town. Only the SHA-256 of the link's token is kept.
CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    town_id      INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'staff', 'steward', 'admin')),
    shop_id      INTEGER REFERENCES shops (id) ON DELETE CASCADE,
    district_id  INTEGER REFERENCES districts (id) ON DELETE CASCADE,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    used_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    CHECK ((role IN ('owner', 'staff')) = (shop_id IS NOT NULL)),
    CHECK ((role = 'steward') = (district_id IS NOT NULL))
);
CREATE INDEX invitations_shop ON invitations (shop_id);
CREATE INDEX invitations_town ON invitations (town_id, used_at, expires_at);

-- A single-use e-mail sign-in link (15 minutes); it may carry an invitation to accept.
CREATE TABLE sign_in_links (
    id             INTEGER PRIMARY KEY,
    token_hash     TEXT NOT NULL UNIQUE,
    email          TEXT NOT NULL,
    invitation_id  INTEGER REFERENCES invitations (id) ON DELETE CASCADE,
    return_to      TEXT,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT
);
CREATE INDEX sign_in_links_expires ON sign_in_links (expires_at);

-- Fixed-window counters for rate limits, shared by every server instance. Keys are hashed
-- (they may contain an address or an e-mail).
CREATE TABLE rate_limits (
    key           TEXT PRIMARY KEY,
    window_start  TEXT NOT NULL,
    hits          INTEGER NOT NULL
);

ALTER TABLE posts ADD COLUMN author_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
-- Posted by a district steward on the shop's behalf (the post says so).
ALTER TABLE posts ADD COLUMN by_steward INTEGER NOT NULL DEFAULT 0;
-- Chosen by the client: a post queued offline and sent twice is published once.
ALTER TABLE posts ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX posts_idempotency ON posts (town_id, idempotency_key);
