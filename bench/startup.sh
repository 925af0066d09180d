#!/usr/bin/env bash
# Start-up time and idle memory: the packaged app on PostgreSQL with production
# settings (bench/bench-lib.sh), started RUNS times. The first start is on an empty database
# (Flyway migrates, the approval process is deployed, keys are generated); the later ones restart
# on the migrated database (the usual case). For each start: launch -> /q/health/ready in ms, RSS
# when ready, and after IDLE seconds of idling: RSS and heap in use after a full GC.
# Usage: bench/startup.sh [runs=5] [idle-seconds=20]     (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/bench-lib.sh
RUNS=${1:-5}
IDLE=${2:-20}
[ "$RUNS" -ge 2 ] || { echo "runs must be at least 2: the first start and at least one restart" >&2; exit 2; }
DB=countersign_bench_startup
WORKDIR=$(mktemp -d /tmp/countersign-startup.XXXX)
trap stop_app EXIT INT TERM

prepare_fresh $DB
echo "| start | database | launch -> ready (ms) | RSS when ready (MB) | RSS after ${IDLE} s idle (MB) | heap after GC (MB) |"
echo "|---|---|---|---|---|---|"
rows=()
for run in $(seq 1 "$RUNS"); do
    start_app $DB
    sleep "$IDLE"
    rss=$(rss_mb)
    heap=$(heap_after_gc_mb)
    kind=$([ "$run" == 1 ] && echo "empty (migrations)" || echo "migrated")
    echo "| $run | $kind | $STARTUP_MS | $IDLE_RSS_MB | $rss | $heap |"
    rows+=("$run $STARTUP_MS $IDLE_RSS_MB $rss $heap")
    stop_app
done
printf '%s\n' "${rows[@]}" > "$WORKDIR/startups.txt"
restarts=$(tail -n +2 "$WORKDIR/startups.txt" | awk '{ print $2 }' | sort -n)
n=$(echo "$restarts" | grep -c . || true)
median=$(echo "$restarts" | sed -n "$(( (n + 1) / 2 ))p")
summary=$(awk -v median="${median:-0}" -v max="$(echo "$restarts" | tail -1)" '
    NR == 1 { first = $2 } NR > 1 { n++; r += $4; h += $5 }
    END { printf "first start (empty database) %d ms; restarts: median %d ms, max %d ms (n=%d); after idling RSS %.0f MB, heap after GC %.0f MB (mean of restarts)",
          first, median, max, n, n ? r / n : 0, n ? h / n : 0 }' "$WORKDIR/startups.txt")
echo "$summary"
result_row "start-up and idle memory, $RUNS starts" "$summary"
