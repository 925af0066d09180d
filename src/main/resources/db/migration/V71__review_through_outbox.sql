-- The approval process is started through the engine outbox (in the submission transaction), so
-- the instance key is unknown when the review row is written: the first task's `creating`
-- listener records it.
ALTER TABLE review_process ALTER COLUMN process_instance_key DROP NOT NULL;

-- Decisions complete the engine's user task through the outbox, written in the decision's own
-- transaction: the per-task "not yet completed in the engine" flag has no reader any more.
ALTER TABLE inbox_task DROP COLUMN engine_completed;

-- Four eyes protects approvals: one person approves at most once per round, but the first
-- approver may still reject or request changes at step two (docs/inbox.md). The application
-- checks this under the review row lock; the constraint is the database's backstop.
ALTER TABLE review_decision DROP CONSTRAINT review_decision_once_per_round;
ALTER TABLE review_decision ADD CONSTRAINT review_decision_one_verdict_per_round
    UNIQUE (request_id, review_round, reviewer, decision);
