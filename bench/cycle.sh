#!/usr/bin/env bash
# Full-cycle benchmark: the packaged app on PostgreSQL with production settings
# (bench/bench-lib.sh), embedded engine. bench/ReviewBench.java runs CONCURRENCY workers in a
# closed loop for SECONDS; each cycle is: submit a review-path request (production schema change,
# one approval by dba) -> wait for it in the reviewer inbox (SSE) -> open the request page and
# approve through the inbox form (the reviewers' API: session cookie + CSRF) -> the agent's
# long-poll returns APPROVED -> read the release token -> redeem it as the executor.
# Reports completed cycles per second, cycle latency percentiles (and per step) and errors.
# Usage: bench/cycle.sh [seconds=60] [concurrency=8]     (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/bench-lib.sh
SECONDS_LOAD=${1:-60}
CONCURRENCY=${2:-8}
DB=countersign_bench_cycle
WORKDIR=$(mktemp -d /tmp/countersign-cycle.XXXX)
trap stop_app EXIT INT TERM

launch_fresh $DB
rc=0
bench_java ReviewBench cycle "$BENCH_BASE" "$BENCH_KEY" "$SECONDS_LOAD" "$CONCURRENCY" | tee "$WORKDIR/cycle.out" || rc=$?
heap=$(heap_after_gc_mb)
rss=$(rss_mb)
# Every completed cycle must have left exactly one redeemed release on an APPROVED request.
redeemed=$(sql $DB "SELECT count(*) FROM release_token WHERE redeemed_at IS NOT NULL")
twice=$(sql $DB "SELECT count(*) FROM (SELECT request_id FROM release_token WHERE redeemed_at IS NOT NULL GROUP BY request_id HAVING count(*) > 1) x")
echo "redeemed releases in the database: $redeemed; approvals redeemed more than once: $twice"
[ "$twice" == 0 ] || rc=1
[ "$redeemed" -gt 0 ] || rc=1 # no redemption at all: the executor mapping (bench-lib.sh) is missing
result_row "full cycle, $CONCURRENCY in flight for $SECONDS_LOAD s" \
    "$(grep '^RESULT' "$WORKDIR/cycle.out" | cut -c8-); RSS after $rss MB, heap after GC $heap MB"
exit $rc
