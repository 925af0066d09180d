-- The server key of the inbox's CSRF tokens (HMAC-SHA256 of the session, docs/inbox.md). It lives
-- in the database so every replica on it signs and accepts the same tokens and a restart keeps the
-- open pages' forms valid; the first replica to start generates it (Csrf). Portable SQL.
CREATE TABLE inbox_secret (
    name VARCHAR(64) PRIMARY KEY,
    secret VARCHAR(128) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);
