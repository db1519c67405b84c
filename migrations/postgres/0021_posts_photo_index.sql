-- Schema v21: whether a post still shows a photo (asked when another post or a shop stops
-- showing it, before its file is deleted) is read from an index.
CREATE INDEX posts_photo ON posts (photo) WHERE photo IS NOT NULL;
