-- Schema v15: figures that can be trusted (issue 17). What residents do is kept only as daily
-- counters per town, local day, metric and subject; no row names a resident. A view, a tap, a
-- share or a poster scan counts once per device (or, without a device cookie, per client
-- address) per subject per day: the day's marks are keyed hashes of (visitor, metric, subject)
-- with a salt drawn for that day, both deleted two days later, after which nobody can tell
-- who saw what.

CREATE TABLE daily_counts (
    town_id      INTEGER NOT NULL REFERENCES towns (id) ON DELETE CASCADE,
    -- YYYY-MM-DD in the town's time zone
    day          TEXT NOT NULL,
    -- what was counted (`shop_view`, `post_view`, `poster_scan`, `follow`, …)
    metric       TEXT NOT NULL,
    -- what it is about: 0 where none. Not foreign keys: the figures of a deleted post or shop
    -- still belong to the town's totals (the district and shop at the time).
    district_id  INTEGER NOT NULL DEFAULT 0,
    shop_id      INTEGER NOT NULL DEFAULT 0,
    post_id      INTEGER NOT NULL DEFAULT 0,
    count        INTEGER NOT NULL,
    PRIMARY KEY (town_id, day, metric, district_id, shop_id, post_id)
);
CREATE INDEX daily_counts_shop ON daily_counts (shop_id, metric, day) WHERE shop_id <> 0;
CREATE INDEX daily_counts_post ON daily_counts (post_id) WHERE post_id <> 0;
CREATE INDEX daily_counts_district ON daily_counts (district_id, metric, day) WHERE district_id <> 0;

-- "Already counted today": a keyed hash of (day's salt, visitor, metric, subject).
CREATE TABLE daily_marks (
    day   TEXT NOT NULL,
    mark  TEXT NOT NULL,
    PRIMARY KEY (day, mark)
);

-- One random salt per day, shared by every instance, deleted with that day's marks.
CREATE TABLE daily_salts (
    day   TEXT PRIMARY KEY,
    salt  TEXT NOT NULL
);

-- The posts' views counted so far (every request, UTC days) become the first counters.
INSERT INTO daily_counts (town_id, day, metric, district_id, shop_id, post_id, count)
SELECT p.town_id, v.day, 'post_view', COALESCE(p.district_id, s.district_id, 0), COALESCE(p.shop_id, 0), v.post_id, v.views
FROM post_views v
JOIN posts p ON p.id = v.post_id
LEFT JOIN shops s ON s.id = p.shop_id;
DROP TABLE post_views;
