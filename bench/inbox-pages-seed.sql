-- Seed for bench/inbox-pages.sh (psql -v history=N -v open=N -v agents=N). Every row is a copy of
-- a real row that the application wrote for a review-path request (the template: the oldest open
-- inbox task, created through the API and the engine by `ReviewBench seed`), so the columns and
-- their formats match the real schema; only ids, texts, statuses, risks and times vary.
\set ON_ERROR_STOP on
CREATE TEMP TABLE tpl AS
SELECT a.*, t.task_key AS tpl_task_key, t.process_instance_key AS tpl_pik
FROM action_request a JOIN inbox_task t ON t.request_id = a.id AND t.state = 'OPEN'
ORDER BY t.created_at LIMIT 1;
SELECT count(*) AS template_rows FROM tpl \gset
\if :template_rows
\else
  \echo 'no open inbox task to copy: run ReviewBench seed first'
  \quit
\endif

-- 1. History: :history decided requests over the last year, spread over the agents. Every fifth
--    one went through review: its inbox task is DECIDED with a decision and timeline entries.
BEGIN;
CREATE TEMP TABLE hist AS
SELECT g, gen_random_uuid() AS id,
       (ARRAY['APPROVED','EXECUTED','DENIED','REJECTED','EXPIRED','CANCELLED','EXECUTION_FAILED'])[1 + g % 7] AS status,
       now() - (g * interval '31 seconds') AS at
FROM generate_series(1, :history) g;
INSERT INTO action_request (id, agent_id, action_type, target, environment, summary, justification, payload,
    payload_sha256, status, status_reason, risk, policy_version, policy_rule, review_groups, review_approvals,
    review_timeout_seconds, review_escalation_group, outcome_detail, created_at, updated_at, decided_at, approvers)
SELECT h.id, 'faults-pages-' || (h.g % :agents), t.action_type, t.target, t.environment, 'historical change ' || h.g,
       t.justification, replace(t.payload, 'ALTER TABLE', 'ALTER TABLE /* ' || h.g || ' */'),
       encode(sha256(convert_to(replace(t.payload, 'ALTER TABLE', 'ALTER TABLE /* ' || h.g || ' */'), 'UTF8')), 'hex'),
       h.status, 'seeded history', t.risk, t.policy_version, t.policy_rule, t.review_groups, t.review_approvals,
       t.review_timeout_seconds, t.review_escalation_group, NULL, h.at, h.at + interval '5 minutes',
       h.at + interval '5 minutes', CASE WHEN h.status IN ('APPROVED','EXECUTED','EXECUTION_FAILED') THEN '["bench-history"]' END
FROM hist h CROSS JOIN tpl t;
INSERT INTO inbox_task (task_key, request_id, process_instance_key, review_round, state, assignee, due_at, agent_id,
    action_type, environment, summary, risk, risk_rank, created_at, closed_at)
SELECT 8000000000000000 + h.g, h.id, 8000000000000000 + h.g, 0, 'DECIDED', NULL, h.at + interval '24 hours',
       'faults-pages-' || (h.g % :agents), t.action_type, t.environment, 'historical change ' || h.g, t.risk, 3, h.at,
       h.at + interval '5 minutes'
FROM hist h CROSS JOIN tpl t WHERE h.g % 5 = 0;
INSERT INTO inbox_task_group (task_key, group_name, task_open)
SELECT 8000000000000000 + h.g, 'dba', FALSE FROM hist h WHERE h.g % 5 = 0;
INSERT INTO review_process (request_id, process_instance_key, state, review_round, escalated_group, started_at, updated_at)
SELECT h.id, 8000000000000000 + h.g, 'ENDED', 0, NULL, h.at, h.at + interval '5 minutes' FROM hist h WHERE h.g % 5 = 0;
INSERT INTO review_decision (request_id, review_round, task_key, reviewer, decision, comment_text, payload_sha256, decided_at)
SELECT h.id, 0, 8000000000000000 + h.g, 'bench-history-' || (h.g % 20), 'APPROVE', 'seeded', t.payload_sha256,
       h.at + interval '5 minutes'
FROM hist h CROSS JOIN tpl t WHERE h.g % 5 = 0;
INSERT INTO review_event (request_id, occurred_at, kind, actor, detail)
SELECT h.id, h.at + x.o * interval '1 minute', x.kind, NULL, x.kind
FROM hist h CROSS JOIN (VALUES (0, 'review.started'), (1, 'task.created'), (5, 'decision.approve')) x(o, kind)
WHERE h.g % 5 = 0;
COMMIT;

-- 2. Open review tasks: copies of the template until :open tasks are open, with due times from
--    two hours overdue to 24 h ahead, mixed risks, for all agents; each with its process row and
--    timeline like a real one (no engine instance: these tasks are only read, never decided).
BEGIN;
SELECT :open - count(*) AS to_add FROM inbox_task WHERE state = 'OPEN' \gset
CREATE TEMP TABLE opn AS
SELECT g, gen_random_uuid() AS id, (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4] AS risk,
       now() - (g * interval '7 seconds') AS at
FROM generate_series(1, greatest(:to_add, 0)) g;
INSERT INTO action_request (id, agent_id, action_type, target, environment, summary, justification, payload,
    payload_sha256, status, status_reason, risk, policy_version, policy_rule, review_groups, review_approvals,
    review_timeout_seconds, review_escalation_group, outcome_detail, created_at, updated_at, decided_at, approvers)
SELECT o.id, 'faults-pages-' || (o.g % :agents), t.action_type, t.target, t.environment, 'open change ' || o.g,
       t.justification, replace(t.payload, 'ALTER TABLE', 'ALTER TABLE /* open ' || o.g || ' */'),
       encode(sha256(convert_to(replace(t.payload, 'ALTER TABLE', 'ALTER TABLE /* open ' || o.g || ' */'), 'UTF8')), 'hex'),
       'PENDING_REVIEW', t.status_reason, o.risk, t.policy_version, t.policy_rule, t.review_groups, t.review_approvals,
       t.review_timeout_seconds, t.review_escalation_group, NULL, o.at, o.at, NULL, NULL
FROM opn o CROSS JOIN tpl t;
INSERT INTO review_process (request_id, process_instance_key, state, review_round, escalated_group, started_at, updated_at)
SELECT o.id, 9000000000000000 + o.g, 'RUNNING', 0, NULL, o.at, o.at FROM opn o;
INSERT INTO inbox_task (task_key, request_id, process_instance_key, review_round, state, assignee, due_at, agent_id,
    action_type, environment, summary, risk, risk_rank, created_at, closed_at)
SELECT 9000000000000000 + o.g, o.id, 9000000000000000 + o.g, 0, 'OPEN', NULL,
       now() - interval '2 hours' + (o.g % 1560) * interval '1 minute', 'faults-pages-' || (o.g % :agents),
       t.action_type, t.environment, 'open change ' || o.g, o.risk, 1 + o.g % 4, o.at, NULL
FROM opn o CROSS JOIN tpl t;
INSERT INTO inbox_task_group (task_key, group_name, task_open) SELECT 9000000000000000 + o.g, 'dba', TRUE FROM opn o;
INSERT INTO review_event (request_id, occurred_at, kind, actor, detail)
SELECT o.id, o.at, x.kind, NULL, x.kind
FROM opn o CROSS JOIN (VALUES ('review.started'), ('task.created')) x(kind);
COMMIT;
ANALYZE;
SELECT (SELECT count(*) FROM action_request) AS requests, (SELECT count(*) FROM inbox_task WHERE state = 'OPEN') AS open_tasks,
       (SELECT count(*) FROM inbox_task) AS inbox_rows;
