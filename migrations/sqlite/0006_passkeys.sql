-- Schema v6: passkeys (WebAuthn), the fast way back in on a phone, and the ceremonies in progress.

-- The account's WebAuthn user handle: random and stable, never personal data.
ALTER TABLE users ADD COLUMN passkey_handle TEXT;
CREATE UNIQUE INDEX users_passkey_handle ON users (passkey_handle);

CREATE TABLE passkeys (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the credential id's bytes, in hexadecimal
    credential_id  TEXT NOT NULL UNIQUE,
    -- the verified public key and its counter (webauthn-rs `Passkey`, JSON)
    credential     TEXT NOT NULL,
    name           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_used_at   TEXT
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A registration or a sign-in under way: the server's half of the challenge (single use, minutes).
CREATE TABLE passkey_ceremonies (
    id_hash     TEXT PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    state       TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
