-- Agent registry and action requests (identity + action features).
-- Portable SQL: runs on H2 (MODE=PostgreSQL) and PostgreSQL 15.

CREATE TABLE agent (
    id                         VARCHAR(128)             NOT NULL PRIMARY KEY,
    display_name               VARCHAR(200)             NOT NULL,
    owner_user_id              VARCHAR(200)             NOT NULL,
    allowed_types              TEXT                     NOT NULL, -- JSON array of action types
    allowed_targets            TEXT                     NOT NULL, -- JSON array of glob patterns
    allowed_environments       TEXT                     NOT NULL, -- JSON array of environment names
    quota_requests_per_minute  INTEGER                  NOT NULL,
    quota_max_pending_reviews  INTEGER                  NOT NULL,
    enabled                    BOOLEAN                  NOT NULL,
    created_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    row_version                BIGINT                   NOT NULL
);

CREATE TABLE action_request (
    id                       UUID                     NOT NULL PRIMARY KEY,
    agent_id                 VARCHAR(128)             NOT NULL REFERENCES agent (id),
    action_type              VARCHAR(100)             NOT NULL,
    target                   VARCHAR(512)             NOT NULL,
    environment              VARCHAR(64)              NOT NULL,
    summary                  VARCHAR(500)             NOT NULL,
    justification            TEXT                     NOT NULL,
    payload                  TEXT                     NOT NULL, -- RFC 8785 canonical JSON
    payload_sha256           VARCHAR(64)              NOT NULL,
    status                   VARCHAR(32)              NOT NULL,
    status_reason            VARCHAR(2000),
    risk                     VARCHAR(16),
    policy_version           VARCHAR(200),
    policy_rule              VARCHAR(200),
    review_groups            VARCHAR(1000),            -- JSON array
    review_approvals         INTEGER,
    review_timeout_seconds   BIGINT,
    review_escalation_group  VARCHAR(128),
    outcome_detail           VARCHAR(4000),
    created_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at               TIMESTAMP WITH TIME ZONE
);

CREATE INDEX action_request_agent_created ON action_request (agent_id, created_at, id);
CREATE INDEX action_request_agent_status ON action_request (agent_id, status);

-- Idempotency keys per agent: the first response is stored and replayed verbatim.
CREATE TABLE action_idempotency (
    agent_id         VARCHAR(128)             NOT NULL,
    idempotency_key  VARCHAR(255)             NOT NULL,
    request_sha256   VARCHAR(64)              NOT NULL,
    request_id       UUID                     NOT NULL,
    response_status  INTEGER                  NOT NULL,
    response_body    TEXT                     NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (agent_id, idempotency_key)
);

CREATE INDEX action_idempotency_created ON action_idempotency (created_at);
