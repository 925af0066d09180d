-- Slack (package notification): the messages posted per request and channel (to update them in
-- place), the Slack users linked to Countersign people (a click counts as that person's decision
-- only through such a link), and the interactivity requests already handled (replays are ignored).
CREATE TABLE slack_message (
    channel_id VARCHAR(40)  NOT NULL,
    ts         VARCHAR(40)  NOT NULL,
    request_id UUID         NOT NULL,
    task_key   BIGINT,
    closed     BOOLEAN      NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel_id, ts)
);
CREATE INDEX slack_message_request ON slack_message (request_id);

CREATE TABLE slack_link (
    team_id       VARCHAR(40)  NOT NULL,
    slack_user_id VARCHAR(40)  NOT NULL,
    user_id       VARCHAR(200) NOT NULL,
    linked_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (team_id, slack_user_id)
);

CREATE TABLE slack_seen (
    signature  VARCHAR(100) PRIMARY KEY,
    seen_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX slack_seen_at ON slack_seen (seen_at);
