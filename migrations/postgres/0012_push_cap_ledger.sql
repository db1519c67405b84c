-- Schema v12: the caps on pushes (one shop's posts a day, district broadcasts a week, per
-- resident) count what a resident was sent in a ledger of its own, kept when a post and its
-- deliveries are deleted: deleting a post and posting again does not reset the count. One row
-- per resident for each post's announcement (whatever their devices); a post's id may be
-- reused after it is deleted (SQLite), so rows are not keyed by it. Rows older than the
-- longest cap window are purged.
CREATE TABLE push_cap_ledger (
    profile_id     BIGINT NOT NULL,
    -- for the record only (no foreign key: the row outlives the post)
    post_id        BIGINT NOT NULL,
    -- the shop whose post it was; NULL for a district's broadcast
    shop_id        BIGINT,
    district_post  BOOLEAN NOT NULL,
    counted_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX push_cap_ledger_by_shop ON push_cap_ledger (profile_id, shop_id, counted_at);
CREATE INDEX push_cap_ledger_by_time ON push_cap_ledger (counted_at);

-- What was counted until now.
INSERT INTO push_cap_ledger (profile_id, post_id, shop_id, district_post, counted_at)
SELECT d.profile_id, d.post_id, p.shop_id, p.district_id IS NOT NULL, MIN(d.created_at)
FROM push_deliveries d JOIN posts p ON p.id = d.post_id
WHERE d.profile_id IS NOT NULL AND NOT d.is_update AND d.state IN ('pending', 'delivered')
GROUP BY d.profile_id, d.post_id, p.shop_id, p.district_id;
