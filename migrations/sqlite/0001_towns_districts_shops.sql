-- Schema v1: towns, their districts and their shops.
CREATE TABLE towns (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE districts (
    id          INTEGER PRIMARY KEY,
    town_id     INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    -- GeoJSON geometry (Polygon or MultiPolygon), WGS 84
    boundary    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (town_id, slug)
);

CREATE TABLE shops (
    id             INTEGER PRIMARY KEY,
    town_id        INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    district_id    INTEGER REFERENCES districts (id) ON DELETE SET NULL,
    slug           TEXT NOT NULL,
    -- "node/123", "way/456"… for shops imported from OpenStreetMap
    osm_id         TEXT,
    name           TEXT NOT NULL,
    category       TEXT NOT NULL,
    source_tag     TEXT,
    street         TEXT,
    housenumber    TEXT,
    postcode       TEXT,
    city           TEXT,
    lat            REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    phone          TEXT,
    website        TEXT,
    email          TEXT,
    -- OSM opening_hours syntax, as given
    opening_hours  TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (town_id, slug),
    UNIQUE (town_id, osm_id)
);

CREATE INDEX shops_town_category ON shops (town_id, category);
CREATE INDEX shops_district ON shops (district_id);
CREATE INDEX shops_lat_lon ON shops (lat, lon);
