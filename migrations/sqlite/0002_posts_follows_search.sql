-- Schema v2: posts (offers, events, news), device profiles and their follows, search.

ALTER TABLE shops ADD COLUMN description TEXT;
-- Name, description and category labels, lower-cased and without accents (filled by the app).
ALTER TABLE shops ADD COLUMN search_text TEXT;
-- The same for the shop's current posts (kept up to date by the app when posts change and
-- when they start or stop being current), so that a search reads one document per shop.
ALTER TABLE shops ADD COLUMN posts_text TEXT;
-- "Near me": a town's shops in a latitude band, then filtered by longitude.
CREATE INDEX shops_town_lat_lon ON shops (town_id, lat, lon);
DROP INDEX shops_lat_lon;

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    town_id       INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    -- A post belongs to a shop, or to a district (a district broadcast)
    shop_id       INTEGER REFERENCES shops (id) ON DELETE CASCADE,
    district_id   INTEGER REFERENCES districts (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('offer', 'event', 'news')),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    -- Path of the photo under the media directory
    photo         TEXT,
    -- Offers: validity; events: start, end and place
    valid_from    TEXT,
    valid_until   TEXT,
    starts_at     TEXT,
    ends_at       TEXT,
    place         TEXT,
    search_text   TEXT,
    published_at  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((shop_id IS NULL) <> (district_id IS NULL)),
    CHECK (kind <> 'event' OR starts_at IS NOT NULL)
);

CREATE INDEX posts_shop ON posts (shop_id, published_at DESC, id DESC);
CREATE INDEX posts_district ON posts (district_id, published_at DESC, id DESC);
CREATE INDEX posts_town_published ON posts (town_id, published_at DESC, id DESC);
CREATE INDEX posts_events ON posts (town_id, kind, starts_at);

-- An anonymous resident's device. The cookie holds a random 128-bit id; only its SHA-256 is kept.
CREATE TABLE device_profiles (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);

CREATE TABLE shop_follows (
    profile_id  INTEGER NOT NULL REFERENCES device_profiles (id) ON DELETE CASCADE,
    shop_id     INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (profile_id, shop_id)
);
CREATE INDEX shop_follows_shop ON shop_follows (shop_id);

CREATE TABLE district_follows (
    profile_id   INTEGER NOT NULL REFERENCES device_profiles (id) ON DELETE CASCADE,
    district_id  INTEGER NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (profile_id, district_id)
);
CREATE INDEX district_follows_district ON district_follows (district_id);

-- Results are listed by name: walk the names, test the match.
CREATE INDEX shops_town_name ON shops (town_id, name, id);

-- Full-text search over the app-normalised text (prefix queries from two letters).
CREATE VIRTUAL TABLE shops_fts USING fts5 (
    search_text, posts_text, content = 'shops', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
);
CREATE TRIGGER shops_fts_insert AFTER INSERT ON shops BEGIN
    INSERT INTO shops_fts (rowid, search_text, posts_text)
    VALUES (new.id, new.search_text, new.posts_text);
END;
CREATE TRIGGER shops_fts_delete AFTER DELETE ON shops BEGIN
    INSERT INTO shops_fts (shops_fts, rowid, search_text, posts_text)
    VALUES ('delete', old.id, old.search_text, old.posts_text);
END;
CREATE TRIGGER shops_fts_update AFTER UPDATE OF search_text, posts_text ON shops BEGIN
    INSERT INTO shops_fts (shops_fts, rowid, search_text, posts_text)
    VALUES ('delete', old.id, old.search_text, old.posts_text);
    INSERT INTO shops_fts (rowid, search_text, posts_text)
    VALUES (new.id, new.search_text, new.posts_text);
END;
