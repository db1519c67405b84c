-- Schema v8: the VAPID key pair (RFC 8292) that signs this site's Web Push requests. One row,
-- made on first start and shared by every server instance (whichever writes first wins).
CREATE TABLE vapid_keys (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    -- the P-256 private scalar (32 bytes), base64url
    private_key  TEXT NOT NULL,
    -- the public key, an uncompressed point (65 bytes), base64url: the browsers' applicationServerKey
    public_key   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
