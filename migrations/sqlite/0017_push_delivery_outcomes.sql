-- Schema v17: a post's deliveries by outcome, read from the index alone (the dashboard sums
-- them for every post of a period; the push figures of a post likewise). Its first column
-- serves what the index it replaces served.
CREATE INDEX push_deliveries_post_outcome ON push_deliveries (post_id, is_update, state);
DROP INDEX push_deliveries_post;
