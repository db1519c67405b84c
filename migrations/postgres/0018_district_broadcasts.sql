-- Schema v18: district broadcasts. A district's post reaches the district's followers, and the
-- followers of its shops only when the steward asks for it (`notify_shop_followers`; the
-- district posts written before asked for it: they reached them). A co-organised event lists
-- shops of the district (`post_shops`): each shop's page shows it, and with
-- `notify_shop_followers` it reaches the followers of those shops rather than all the district's.
ALTER TABLE posts ADD COLUMN notify_shop_followers BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE posts SET notify_shop_followers = TRUE WHERE district_id IS NOT NULL;

CREATE TABLE post_shops (
    post_id  BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    shop_id  BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, shop_id)
);
CREATE INDEX post_shops_shop ON post_shops (shop_id);
