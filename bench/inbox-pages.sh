#!/usr/bin/env bash
# Inbox page and request page with large data (target: p95 <= 50 ms server time with
# 10,000 open review tasks and 1,000,000 historical requests in PostgreSQL). The packaged app on
# PostgreSQL with production settings (bench/bench-lib.sh), embedded engine:
#   1. REAL review tasks through the API and the engine (`ReviewBench seed`, agents faults-pages-*),
#   2. bench/inbox-pages-seed.sql copies one of them with INSERT ... SELECT generate_series into
#      HISTORY decided requests (a fifth of them reviewed: closed inbox task, decision, timeline)
#      and OPEN open review tasks in total (request, process row, inbox task, group, timeline), ANALYZE,
#   3. `ReviewBench pages`: one reviewer of group dba reads the inbox (first page, a random page, a
#      page filtered by agent and risk) and request pages of random open requests, one request at a
#      time for SECONDS, so the time is the server's (plus loopback), not queueing,
#   4. EXPLAIN (ANALYZE, BUFFERS) of the inbox's SQL into $WORKDIR/explain.txt.
# Usage: bench/inbox-pages.sh [history=1000000] [open=10000] [seconds=60] [real=50]
#        (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/bench-lib.sh
HISTORY=${1:-1000000}
OPEN=${2:-10000}
SECONDS_LOAD=${3:-60}
REAL=${4:-50}
DB=countersign_bench_pages
WORKDIR=$(mktemp -d /tmp/countersign-pages.XXXX)
trap stop_app EXIT INT TERM

launch_fresh $DB
bench_java ReviewBench seed "$BENCH_BASE" "$BENCH_KEY" "$REAL"
t0=$SECONDS
psql -h 127.0.0.1 -U postgres -d $DB -q -v history="$HISTORY" -v open="$OPEN" -v agents=4 -f bench/inbox-pages-seed.sql
echo "seeded in $((SECONDS - t0)) s"
rc=0
bench_java ReviewBench pages "$BENCH_BASE" "$BENCH_KEY" "$SECONDS_LOAD" "$OPEN" | tee "$WORKDIR/pages.out" || rc=$?

# The inbox's statements (ReviewService.inbox/detail) as SQL, for the plans.
MINE="t.state = 'OPEN' AND (t.assignee = 'bench-dba-reviewer' OR EXISTS (SELECT 1 FROM inbox_task_group g
      WHERE g.task_key = t.task_key AND g.task_open AND g.group_name IN ('dba')))"
ONE=$(sql $DB "SELECT request_id FROM inbox_task WHERE state = 'OPEN' ORDER BY created_at DESC LIMIT 1")
{
    for q in "SELECT count(*), sum(CASE WHEN t.due_at < now() THEN 1 ELSE 0 END),
                    sum(CASE WHEN t.assignee = 'bench-dba-reviewer' THEN 1 ELSE 0 END) FROM inbox_task t WHERE $MINE" \
             "SELECT * FROM inbox_task t WHERE $MINE ORDER BY t.due_at, t.risk_rank DESC, t.created_at, t.task_key LIMIT 25" \
             "SELECT * FROM inbox_task t WHERE $MINE ORDER BY t.due_at, t.risk_rank DESC, t.created_at, t.task_key LIMIT 25 OFFSET 9975" \
             "SELECT * FROM inbox_task t WHERE $MINE AND t.agent_id = 'faults-pages-1' AND t.risk = 'HIGH' ORDER BY t.due_at, t.risk_rank DESC, t.created_at, t.task_key LIMIT 25" \
             "SELECT g.task_key, g.group_name FROM inbox_task_group g WHERE g.task_key IN
                    (SELECT task_key FROM inbox_task WHERE state = 'OPEN' ORDER BY due_at LIMIT 25)" \
             "SELECT count(*) FROM inbox_task t WHERE t.request_id = '$ONE' AND $MINE" \
             "SELECT * FROM review_event WHERE request_id = '$ONE' ORDER BY id" \
             "SELECT * FROM review_decision WHERE request_id = '$ONE' ORDER BY decided_at, id"; do
        echo "== $q"
        sql $DB "EXPLAIN (ANALYZE, BUFFERS) $q"
    done
} > "$WORKDIR/explain.txt"
echo "plans: $WORKDIR/explain.txt; sequential scans in them: $(grep -c 'Seq Scan' "$WORKDIR/explain.txt" || true)"
awk '/^==/ {print; top=1; next} /Seq Scan/ {print "   " $0} top && /Buffers: shared/ {print "   " $0; top=0}
     /Execution Time/ {print "   " $0}' "$WORKDIR/explain.txt" | cut -c1-200
heap=$(heap_after_gc_mb)
rss=$(rss_mb)
result_row "inbox pages, $OPEN open tasks, $HISTORY historical requests, $SECONDS_LOAD s" \
    "$(grep '^RESULT' "$WORKDIR/pages.out" | cut -c8-); RSS after $rss MB, heap after GC $heap MB"
exit $rc
