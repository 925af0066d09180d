#!/usr/bin/env bash
# Review-path benchmark: the packaged app on PostgreSQL
# with production settings (bench/bench-lib.sh), embedded engine. bench/ReviewBench.java offers
# RATE review-path submissions per second for SECONDS (open loop; production schema changes, one
# approval by dba) and follows each one: submit -> visible in the reviewer inbox (the inbox's SSE
# "created" event, sent after the commit that wrote the inbox row; measured from the intended
# send time), then approve through the inbox form (CSRF token, session cookie) while the agent
# long-polls GET /api/v1/actions/{id}?wait=60s -> latency from posting the decision to the
# long-poll returning APPROVED. Target: submit -> visible p99 <= 100 ms.
# Usage: bench/review.sh [seconds=60] [rate=5]     (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/bench-lib.sh
SECONDS_LOAD=${1:-60}
RATE=${2:-5}
DB=countersign_bench_review
WORKDIR=$(mktemp -d /tmp/countersign-review.XXXX)
trap stop_app EXIT INT TERM

launch_fresh $DB
rc=0
bench_java ReviewBench review "$BENCH_BASE" "$BENCH_KEY" "$SECONDS_LOAD" "$RATE" | tee "$WORKDIR/review.out" || rc=$?
heap=$(heap_after_gc_mb)
rss=$(rss_mb)
pending=$(sql $DB "SELECT count(*) FROM action_request WHERE status = 'PENDING_REVIEW'")
open=$(sql $DB "SELECT count(*) FROM inbox_task WHERE state = 'OPEN'")
echo "after the run: $pending requests still PENDING_REVIEW, $open inbox tasks open (expected 0 and 0)"
[ "$pending" == 0 ] && [ "$open" == 0 ] || rc=1
result_row "review path, $RATE/s for $SECONDS_LOAD s" \
    "$(grep '^RESULT' "$WORKDIR/review.out" | cut -c8-); start-up $STARTUP_MS ms, idle RSS $IDLE_RSS_MB MB, RSS after $rss MB, heap after GC $heap MB"
exit $rc
