-- Schema v7: Web Push subscriptions, each attached to a device profile (an account's own profile
-- once signed in), so that they follow the profile when a phone signs in.
CREATE TABLE push_subscriptions (
    id          INTEGER PRIMARY KEY,
    profile_id  INTEGER NOT NULL REFERENCES device_profiles (id) ON DELETE CASCADE,
    -- the push service's URL for this browser (RFC 8030), checked to be https on a public address
    endpoint    TEXT NOT NULL UNIQUE,
    -- the browser's P-256 public key and auth secret (RFC 8291), base64url
    p256dh      TEXT NOT NULL,
    auth        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX push_subscriptions_profile ON push_subscriptions (profile_id);
