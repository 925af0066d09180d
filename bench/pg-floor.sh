#!/usr/bin/env bash
# PostgreSQL floor for the fast path: what this machine's PostgreSQL can do with exactly the
# rows one fast-path submission writes, driven by pgbench (C, libpq, prepared statements) instead of
# the application — so the figure is the database's ceiling with a client that costs almost nothing.
# The schema is the application's own: the packaged app (postgres profile) migrates a fresh
# database, then is stopped. Three pgbench scripts, each 32 clients (LoadGen's peak concurrency),
# 2 pgbench threads, SECONDS each:
#   roundtrip : SELECT of one agent row by primary key (one round trip, no commit) -> cost of a
#               statement round trip on this machine
#   request   : BEGIN; INSERT action_request; INSERT action_idempotency ... ON CONFLICT DO NOTHING;
#               INSERT audit_event; COMMIT — the transaction of an auto-approved or denied submission
#               (same columns and row sizes as the app writes; the agent foreign key is checked)
#   request+seq: the same, plus the sequencer's chaining UPDATE of that audit event in a second
#               transaction (the app batches it, ~5 events per sequencer transaction at peak, so this
#               over-counts the sequencer's commits: a lower bound for the fast path's DB ceiling)
# Usage: bench/pg-floor.sh [seconds=30] [clients=32]     (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_PORT=${BENCH_PORT:-26280}
BENCH_MGMT_PORT=${BENCH_MGMT_PORT:-26290}
source bench/bench-lib.sh
SECS=${1:-30}
CLIENTS=${2:-32}
DB=countersign_bench_pgfloor
WORKDIR=$(mktemp -d /tmp/countersign-pgfloor.XXXX)
trap stop_app EXIT INT TERM
export QUARKUS_LOG_LEVEL=WARN

launch_fresh $DB # Flyway migrates the schema exactly as in production
stop_app
sql $DB "INSERT INTO agent (id, display_name, owner_user_id, allowed_types, allowed_targets, allowed_environments,
    quota_requests_per_minute, quota_max_pending_reviews, enabled, created_at, updated_at, row_version)
    VALUES ('pgfloor-agent', 'pgbench', 'owner', '[\"payment.transfer\"]', '[\"**\"]', '[\"sandbox\"]', 100000, 100000,
    true, now(), now(), 0)" > /dev/null
sql $DB "CREATE SEQUENCE IF NOT EXISTS pgfloor_seq" > /dev/null

cat > "$WORKDIR/roundtrip.sql" <<'SQL'
SELECT id, enabled FROM agent WHERE id = 'pgfloor-agent';
SQL
# Row sizes as the app writes them: payload ~60 chars, idempotency response ~700, audit data ~440.
cat > "$WORKDIR/request.sql" <<'SQL'
\set k random(1, 2000000000)
BEGIN;
INSERT INTO action_request (id, agent_id, action_type, target, environment, summary, justification, payload, payload_sha256, status, status_reason, risk, policy_version, policy_rule, created_at, updated_at, decided_at, approvers) VALUES (gen_random_uuid(), 'pgfloor-agent', 'payment.transfer', 'acct-bench/' || :k::text, 'sandbox', 'bench payment', 'load test', '{"amount":"12.50","currency":"EUR","reference":"B-' || :k::text || '"}', md5(:k::text) || md5((:k::bigint + 1)::text), 'APPROVED', 'auto-approved by rule sandbox-low-risk of policy default v1 (pgbench floor)', 'LOW', 'default@1', 'sandbox-low-risk', now(), now(), now(), '[]');
INSERT INTO action_idempotency (agent_id, idempotency_key, request_sha256, request_id, response_status, response_body, created_at) VALUES ('pgfloor-agent', 'k-' || :k::text || '-' || :client_id::text || '-' || random()::text, md5(:k::text) || md5(:k::text), gen_random_uuid(), 201, repeat('r', 695), now()) ON CONFLICT DO NOTHING;
INSERT INTO audit_event (occurred_at, actor_kind, actor_id, agent_id, request_id, event_type, data) VALUES (now(), 'AGENT', 'pgfloor-agent', 'pgfloor-agent', gen_random_uuid(), 'action.submitted', repeat('d', 436)) RETURNING id AS event_id \gset
COMMIT;
SQL
{ cat "$WORKDIR/request.sql"; cat <<'SQL'
UPDATE audit_event SET seq = nextval('pgfloor_seq'), prev_hash = md5(random()::text) || md5(random()::text), hash = md5(random()::text) || md5(random()::text), sequenced_at = now() WHERE id = :event_id;
SQL
} > "$WORKDIR/request-seq.sql"

run_pgbench() { # run_pgbench <script> -> "tps=… latency_avg=… ms"
    pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$CLIENTS" -j 2 -T "$SECS" -f "$1" $DB 2>&1 \
        | awk '/^latency average/ {lat=$4} /^tps/ {tps=$3} END {printf "tps=%.0f latency_avg=%s ms", tps, lat}'
}
machine_line
rt=$(run_pgbench "$WORKDIR/roundtrip.sql"); echo "roundtrip:   $rt"
rq=$(run_pgbench "$WORKDIR/request.sql"); echo "request:     $rq"
rs=$(run_pgbench "$WORKDIR/request-seq.sql"); echo "request+seq: $rs"
result_row "PostgreSQL floor (pgbench, $CLIENTS clients, $SECS s each)" "roundtrip: $rt; request: $rq; request+seq: $rs"
