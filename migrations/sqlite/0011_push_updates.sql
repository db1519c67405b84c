-- Schema v11: an edited post is sent again to the browsers that already had it (same Topic, so
-- that the push service replaces a message still waiting, and same tag, so that the phone
-- replaces the notification shown). Such a job expands only to subscriptions that were sent the
-- post within the push services' storage time; its deliveries are not counted as new pushes.
-- publish: the post's first announcement; update: the edited post sent again
ALTER TABLE push_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'publish'
    CHECK (kind IN ('publish', 'update'));
ALTER TABLE push_deliveries ADD COLUMN is_update INTEGER NOT NULL DEFAULT 0;
