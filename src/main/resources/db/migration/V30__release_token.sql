-- Release tokens issued for approved requests. One row per token; a request gets a new
-- generation only after its previous unused token expired (the old row is then superseded).
-- Redemption is a conditional UPDATE on redeemed_at IS NULL, so a jti is redeemed once.
CREATE TABLE release_token (
    jti            VARCHAR(64)              NOT NULL PRIMARY KEY,
    request_id     UUID                     NOT NULL,
    generation     INTEGER                  NOT NULL,
    agent_id       VARCHAR(255)             NOT NULL,
    audience       VARCHAR(255)             NOT NULL,
    action_type    VARCHAR(255)             NOT NULL,
    payload_sha256 VARCHAR(64)              NOT NULL,
    kid            VARCHAR(128)             NOT NULL,
    token          TEXT                     NOT NULL,
    issued_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    superseded_at  TIMESTAMP WITH TIME ZONE,
    redeemed_at    TIMESTAMP WITH TIME ZONE,
    redeemed_by    VARCHAR(255),
    CONSTRAINT release_token_request_generation UNIQUE (request_id, generation)
);
