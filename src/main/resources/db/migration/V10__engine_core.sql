-- Embedded workflow engine state (see docs/engine.md, "Persistence model").
-- Keys come from one sequence, handed out in blocks of 100 by the engine.
CREATE SEQUENCE engine_key_seq START WITH 1000 INCREMENT BY 100;

CREATE TABLE engine_deployment (
    deployment_key BIGINT PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE engine_process (
    process_key BIGINT PRIMARY KEY,
    bpmn_process_id VARCHAR(255) NOT NULL,
    version INTEGER NOT NULL,
    checksum VARCHAR(64) NOT NULL,
    resource_name VARCHAR(255) NOT NULL,
    resource_base64 TEXT NOT NULL,
    deployment_key BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_engine_process_version UNIQUE (bpmn_process_id, version)
);

CREATE TABLE engine_instance (
    instance_key BIGINT PRIMARY KEY,
    process_key BIGINT NOT NULL,
    bpmn_process_id VARCHAR(255) NOT NULL,
    version INTEGER NOT NULL,
    state VARCHAR(16) NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at TIMESTAMP WITH TIME ZONE
);

-- One row per element instance, ended ones kept as the history.
CREATE TABLE engine_element (
    element_key BIGINT PRIMARY KEY,
    instance_key BIGINT NOT NULL,
    flow_scope_key BIGINT NOT NULL,
    element_id VARCHAR(255) NOT NULL,
    element_type VARCHAR(32) NOT NULL,
    state VARCHAR(16) NOT NULL,
    loop_counter INTEGER NOT NULL DEFAULT 0,
    -- Pending interrupting boundary event: JSON {"boundary": id, "variables": {...}}.
    pending TEXT,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX ix_engine_element_instance ON engine_element (instance_key, element_key);
CREATE INDEX ix_engine_element_scope ON engine_element (flow_scope_key, state);

CREATE TABLE engine_variable (
    scope_key BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL,
    instance_key BIGINT NOT NULL,
    value_json TEXT,
    PRIMARY KEY (scope_key, name)
);
CREATE INDEX ix_engine_variable_instance ON engine_variable (instance_key);

-- Tokens waiting at a parallel join: one row per (scope, gateway, incoming flow).
CREATE TABLE engine_join (
    flow_scope_key BIGINT NOT NULL,
    gateway_id VARCHAR(255) NOT NULL,
    flow_id VARCHAR(255) NOT NULL,
    instance_key BIGINT NOT NULL,
    tokens INTEGER NOT NULL,
    PRIMARY KEY (flow_scope_key, gateway_id, flow_id)
);

CREATE TABLE engine_user_task (
    user_task_key BIGINT PRIMARY KEY,
    element_key BIGINT NOT NULL,
    instance_key BIGINT NOT NULL,
    element_id VARCHAR(255) NOT NULL,
    state VARCHAR(16) NOT NULL,
    assignee VARCHAR(255),
    candidate_groups TEXT NOT NULL,
    candidate_users TEXT NOT NULL,
    due_date TIMESTAMP WITH TIME ZONE,
    listener_index INTEGER NOT NULL DEFAULT 0,
    pending_assignee VARCHAR(255),
    pending_variables TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_engine_user_task_element ON engine_user_task (element_key);
CREATE INDEX ix_engine_user_task_instance ON engine_user_task (instance_key);

-- Jobs are deleted when completed or canceled; a completed job is simply gone.
CREATE TABLE engine_job (
    job_key BIGINT PRIMARY KEY,
    instance_key BIGINT NOT NULL,
    element_key BIGINT NOT NULL,
    element_id VARCHAR(255) NOT NULL,
    bpmn_process_id VARCHAR(255) NOT NULL,
    process_version INTEGER NOT NULL,
    job_type VARCHAR(255) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    listener_event VARCHAR(16),
    retries INTEGER NOT NULL,
    state VARCHAR(16) NOT NULL,
    available_at TIMESTAMP WITH TIME ZONE NOT NULL,
    deadline TIMESTAMP WITH TIME ZONE,
    lock_token VARCHAR(40),
    custom_headers TEXT NOT NULL,
    error_message TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_engine_job_type ON engine_job (job_type, state, available_at);
CREATE INDEX ix_engine_job_element ON engine_job (element_key);
CREATE INDEX ix_engine_job_lock ON engine_job (lock_token);

CREATE TABLE engine_timer (
    timer_key BIGINT PRIMARY KEY,
    instance_key BIGINT NOT NULL,
    element_key BIGINT NOT NULL,
    target_element_id VARCHAR(255) NOT NULL,
    due_at TIMESTAMP WITH TIME ZONE NOT NULL,
    repetitions INTEGER NOT NULL,
    interval_iso VARCHAR(64)
);
CREATE INDEX ix_engine_timer_due ON engine_timer (due_at);
CREATE INDEX ix_engine_timer_element ON engine_timer (element_key);

CREATE TABLE engine_message_subscription (
    subscription_key BIGINT PRIMARY KEY,
    instance_key BIGINT NOT NULL,
    element_key BIGINT NOT NULL,
    target_element_id VARCHAR(255) NOT NULL,
    message_name VARCHAR(255) NOT NULL,
    correlation_key VARCHAR(255) NOT NULL
);
CREATE INDEX ix_engine_msub_name ON engine_message_subscription (message_name, correlation_key);
CREATE INDEX ix_engine_msub_element ON engine_message_subscription (element_key);

-- Buffered messages (published with a time to live).
CREATE TABLE engine_message (
    message_key BIGINT PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    correlation_key VARCHAR(255) NOT NULL,
    message_id VARCHAR(255),
    -- SHA-256 of name, correlation key and message id: one buffered message per id.
    dedup_key VARCHAR(64) UNIQUE,
    variables_json TEXT NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_engine_message_name ON engine_message (name, correlation_key);
CREATE INDEX ix_engine_message_expiry ON engine_message (expires_at);

-- A message is correlated at most once per process instance.
CREATE TABLE engine_message_correlation (
    message_key BIGINT NOT NULL,
    instance_key BIGINT NOT NULL,
    PRIMARY KEY (message_key, instance_key)
);

CREATE TABLE engine_incident (
    incident_key BIGINT PRIMARY KEY,
    instance_key BIGINT NOT NULL,
    element_key BIGINT NOT NULL,
    element_id VARCHAR(255) NOT NULL,
    error_type VARCHAR(32) NOT NULL,
    error_message TEXT NOT NULL,
    job_key BIGINT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_engine_incident_instance ON engine_incident (instance_key);
CREATE INDEX ix_engine_incident_element ON engine_incident (element_key);
