-- The channels a policy rule's review.notify named for telling the reviewers (JSON array; null:
-- every channel the groups' routes have, docs/notifications.md).
ALTER TABLE action_request ADD COLUMN review_notify VARCHAR(100);
