-- What a request held before each revision replaced it (summary, justification, canonical
-- payload), so a reviewer sees what the agent changed. Revision 0 is the original submission;
-- the request row always holds the newest revision. Written in the transaction of the revision.
CREATE TABLE action_revision (
    request_id      UUID                     NOT NULL REFERENCES action_request (id),
    revision        INTEGER                  NOT NULL,
    summary         VARCHAR(500)             NOT NULL,
    justification   TEXT                     NOT NULL,
    payload         TEXT                     NOT NULL, -- RFC 8785 canonical JSON
    payload_sha256  VARCHAR(64)              NOT NULL,
    replaced_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (request_id, revision)
);
