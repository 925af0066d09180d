-- Sessions people signed out of (docs/inbox.md, "Signing out"). The OIDC session lives in an
-- encrypted cookie, not here; a copy of that cookie kept after sign-out must not open the pages
-- again, so sign-out records the session's key (SHA-256 of issuer, subject and the provider's
-- session id or authentication time) until any such cookie has expired.
CREATE TABLE web_signed_out (
    session_key   VARCHAR(64) NOT NULL,
    signed_out_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT web_signed_out_pk PRIMARY KEY (session_key)
);
CREATE INDEX web_signed_out_expires_idx ON web_signed_out (expires_at);
