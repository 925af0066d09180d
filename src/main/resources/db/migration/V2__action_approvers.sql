-- Who approved a request (JSON array of user ids; empty for policy auto-approvals).
ALTER TABLE action_request ADD COLUMN approvers TEXT;
