-- Schema v16: the stewards' note about a shop they onboard ("passed by on 3/12, owner away"),
-- seen by the district's stewards and the town's administrators only.
CREATE TABLE shop_notes (
    shop_id     BIGINT PRIMARY KEY REFERENCES shops (id) ON DELETE CASCADE,
    note        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  BIGINT REFERENCES users (id) ON DELETE SET NULL
);
