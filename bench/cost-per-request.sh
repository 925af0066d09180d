#!/usr/bin/env bash
# Cost per request on the fast path at a fixed rate: the packaged app on PostgreSQL (production
# settings, bench/bench-lib.sh), open-loop load from bench/LoadGen.java (its 50 % auto-approve,
# 50 % deny mix) at RATE requests/s. After WARMUP seconds of that load it measures MEASURE seconds
# and prints, per request: commits, tuples returned/fetched/inserted/updated, shared-buffer hits,
# WAL bytes (pg_stat_database deltas and the WAL position), CPU of the app's JVM and of every
# PostgreSQL process (/proc ticks); and for the app: JIT compile time so far (jstat), the busiest
# thread groups in the window. Steadier than peak throughput on a noisy machine (docs/benchmarks.md,
# "Security hardening"): run it once per build, alternating, to compare two builds.
# Usage: bench/cost-per-request.sh [rate] [warmup-seconds] [measure-seconds]
#        BENCH_APPS="/tmp/app-old /tmp/app-new" runs each packaged app in turn (default: the build
#        of this checkout, target/quarkus-app; SKIP_BUILD=1 reuses it).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_PORT=${BENCH_PORT:-18080}
BENCH_MGMT_PORT=${BENCH_MGMT_PORT:-19000}
source bench/bench-lib.sh
RATE=${1:-300}
WARMUP=${2:-180}
MEASURE=${3:-60}
DB=countersign_bench_cost
trap stop_app EXIT INT TERM
export QUARKUS_LOG_LEVEL=WARN

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2> /dev/null || echo 0; }
pg_ticks() { local t=0 p; for p in $(pgrep -x postgres); do t=$((t + $(ticks "$p"))); done; echo "$t"; }
thread_ticks() { # per thread: <tid> <name without trailing digits> <ticks>
    local t
    for t in /proc/"$APP_PID"/task/*; do
        echo "$(basename "$t") $(sed 's/[-#0-9]*$//; s/ /_/g' "$t/comm" 2> /dev/null) $(awk '{print $14 + $15}' "$t/stat" 2> /dev/null)"
    done | sort
}
snapshot() { # commits tup_returned tup_fetched tup_inserted tup_updated blks_hit wal_bytes jvm_ticks pg_ticks
    sleep 1 # pg_stat_database is flushed about once a second
    echo "$(sql $DB "SELECT xact_commit || ' ' || tup_returned || ' ' || tup_fetched || ' ' || tup_inserted || ' ' || tup_updated || ' ' || blks_hit FROM pg_stat_database WHERE datname = '$DB'") $(sql $DB "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint") $(ticks "$APP_PID") $(pg_ticks)"
}

for app in ${BENCH_APPS:-target/quarkus-app}; do
    WORKDIR=$(mktemp -d /tmp/countersign-cost.XXXX)
    export BENCH_APP
    BENCH_APP=$(cd "$app" && pwd)
    launch_fresh $DB > /dev/null
    LOADGEN_WARMUP_SECONDS=0 java bench/LoadGen.java "$BENCH_BASE" "$BENCH_KEY" rate $((WARMUP + MEASURE + 5)) "$RATE" 8 > "$WORKDIR/load.out" &
    load=$!
    sleep "$WARMUP"
    thread_ticks > "$WORKDIR/threads.a"
    read -r -a a <<< "$(snapshot)"
    sleep "$MEASURE"
    read -r -a z <<< "$(snapshot)"
    thread_ticks > "$WORKDIR/threads.b"
    compile=$(jstat -compiler "$APP_PID" | awk 'NR == 2 {print $1 " methods in " $4 " s"}')
    wait "$load"
    # requests in the window: the rate times the window (LoadGen's own line reports whether it held)
    n=$((RATE * (MEASURE + 1)))
    line=$(awk -v n="$n" -v a="${a[*]}" -v z="${z[*]}" 'BEGIN { split(a, x, " "); split(z, y, " ");
        printf "commits %.2f, tuples returned %.1f / fetched %.1f / inserted %.2f / updated %.2f, buffer hits %.1f, WAL %.0f bytes, CPU JVM %.3f ms + PostgreSQL %.3f ms",
            (y[1]-x[1])/n, (y[2]-x[2])/n, (y[3]-x[3])/n, (y[4]-x[4])/n, (y[5]-x[5])/n, (y[6]-x[6])/n, (y[7]-x[7])/n,
            (y[8]-x[8])*10/n, (y[9]-x[9])*10/n }')
    threads=$(join "$WORKDIR/threads.a" "$WORKDIR/threads.b" | awk '{d[$2] += $5 - $3} END {for (k in d) if (d[k] > 0) print d[k], k}' \
        | sort -rn | head -6 | awk '{printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1}')
    machine_line
    echo "app: $BENCH_APP"
    echo "per request at $RATE/s over $MEASURE s after $WARMUP s: $line"
    echo "JIT so far: $compile; busiest threads in the window (ticks): $threads"
    echo "load: $(cut -c1-160 "$WORKDIR/load.out")"
    result_row "cost per request at $RATE/s ($BENCH_APP)" "$line; JIT $compile; threads $threads"
    stop_app
done
