-- Schema v10: respectful pushes. What each follow notifies, quiet hours and caps: the town's
-- defaults, and a resident's own choices.

-- all: every post; events: events only; none: nothing (the posts stay in the feed)
ALTER TABLE shop_follows ADD COLUMN notify TEXT NOT NULL DEFAULT 'all'
    CHECK (notify IN ('all', 'events', 'none'));
ALTER TABLE district_follows ADD COLUMN notify TEXT NOT NULL DEFAULT 'all'
    CHECK (notify IN ('all', 'events', 'none'));

-- Quiet hours in minutes after midnight in the town's time zone (start = end: none); pushes due
-- then wait until the end. Caps: pushes of one shop per resident per day, district broadcasts
-- per resident per week.
ALTER TABLE towns ADD COLUMN quiet_start INTEGER NOT NULL DEFAULT 1260
    CHECK (quiet_start >= 0 AND quiet_start < 1440);
ALTER TABLE towns ADD COLUMN quiet_end INTEGER NOT NULL DEFAULT 480
    CHECK (quiet_end >= 0 AND quiet_end < 1440);
ALTER TABLE towns ADD COLUMN shop_pushes_per_day INTEGER NOT NULL DEFAULT 1
    CHECK (shop_pushes_per_day >= 0);
ALTER TABLE towns ADD COLUMN district_pushes_per_week INTEGER NOT NULL DEFAULT 3
    CHECK (district_pushes_per_week >= 0);

-- A resident's own settings; NULL: the town's default.
CREATE TABLE push_settings (
    profile_id                BIGINT PRIMARY KEY REFERENCES device_profiles (id) ON DELETE CASCADE,
    quiet_start               INTEGER CHECK (quiet_start >= 0 AND quiet_start < 1440),
    quiet_end                 INTEGER CHECK (quiet_end >= 0 AND quiet_end < 1440),
    shop_pushes_per_day       INTEGER CHECK (shop_pushes_per_day >= 0),
    district_pushes_per_week  INTEGER CHECK (district_pushes_per_week >= 0),
    updated_at                TIMESTAMPTZ NOT NULL
);

-- Taps on a post's notifications (reported by the service worker), for the merchant's figures.
ALTER TABLE posts ADD COLUMN push_clicks INTEGER NOT NULL DEFAULT 0;
