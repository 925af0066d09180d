#!/usr/bin/env bash
# Soak: the packaged app on PostgreSQL (production settings) under steady
# mixed load (bench/FaultLoad.java, 4 threads with a 25 ms pause: roughly 100-150 requests/s
# here) for MINUTES minutes (10 by default). Every 30 s it samples the live heap (a full GC and
# the live objects counted in the same safepoint: jcmd GC.class_histogram), RSS, and the app's PostgreSQL connections
# (pg_stat_activity) and how many of them are in use (agroal_active_count). The load runs
# WARMUP_MINUTES (3 by default) before the MINUTES measured: the first minutes fill the JIT's,
# the pool's and the application's caches (docs/benchmarks.md, soak runs of 2026-11-26), and the
# issue asks for steady load. Drift = mean of the last three samples vs. mean of the first three
# samples after the warm-up; the target is < 5 %. After
# the load: connections in use back to the count before it, no pool leak detection. Exit code 1
# when the heap or connection drift exceeds the target or a connection was not given back.
# Usage: bench/soak.sh [minutes]     (SKIP_BUILD=1 reuses target/quarkus-app; WARMUP_MINUTES=0
# measures from the first sample, as runs before 2026-11-26 07:20Z did with samples 2-4)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/faults-lib.sh
MINUTES=${1:-10}
WARMUP_MINUTES=${WARMUP_MINUTES:-3}
DB=countersign_faults_soak
WORKDIR=$(mktemp -d /tmp/countersign-soak.XXXX)
LOAD_PID=
cleanup() {
    [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2> /dev/null || true
    stop_app
}
trap cleanup EXIT INT TERM

launch_fresh $DB
pool() { # pool <metric>: a connection-pool figure from the app's Prometheus metrics
    curl -sf "localhost:$BENCH_MGMT_PORT/q/metrics" | awk -v m="$1" '$1 ~ "^"m"[{]" {print int($2)}'
}
in_use_idle() { # the least of five readings 0.5 s apart: background loops borrow one for a moment
    local i v m=999
    for i in 1 2 3 4 5; do v=$(pool agroal_active_count); (( v < m )) && m=$v; sleep 0.5; done
    echo $m
}
in_use_before=$(in_use_idle)
SECONDS_TOTAL=$(((WARMUP_MINUTES + MINUTES) * 60))
load load "$FAULTS_BASE" "$FAULTS_KEY" "$SECONDS_TOTAL" 4 "$WORKDIR/journal.txt" soak 25 > "$WORKDIR/load.out" 2>&1 &
LOAD_PID=$!
echo "| t (s) | heap after GC (MB) | RSS (MB) | DB connections open | of them in use | acknowledged submissions |"
echo "|---|---|---|---|---|---|"
t0=$SECONDS
samples=()
while kill -0 "$LOAD_PID" 2> /dev/null; do
    sleep 30
    kill -0 "$LOAD_PID" 2> /dev/null || break
    heap_kb=$(live_heap_kb)
    rss_kb=$(ps -o rss= -p "$APP_PID" | tr -d ' ')
    conns=$(sql postgres "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB'")
    acked=$(grep -c '^S ' "$WORKDIR/journal.txt" || true)
    t=$((SECONDS - t0))
    if (( t > WARMUP_MINUTES * 60 )); then samples+=("$heap_kb $conns $rss_kb"); mark=; else mark=" (warm-up)"; fi
    echo "| $t$mark | $((heap_kb / 1024)) | $((rss_kb / 1024)) | $conns | $(pool agroal_active_count) | $acked |"
done
wait "$LOAD_PID" || true
LOAD_PID=
cat "$WORKDIR/load.out"
printf '%s\n' "${samples[@]}" > "$WORKDIR/samples.txt"
n=${#samples[@]}
# Without a warm-up phase the first sample is still warming up: the baseline is then samples 2-4.
first=$(( WARMUP_MINUTES > 0 ? 1 : 2 ))
drift() { # drift <column>: percent change, mean(last 3) vs mean(first 3 after the warm-up)
    awk -v c="$1" -v n="$n" -v f="$first" '{ v[NR] = $c } END {
        if (n < f + 4) { print "n/a"; exit }
        for (i = f; i <= f + 2; i++) a += v[i]; for (i = n - 2; i <= n; i++) b += v[i];
        printf "%.1f", (b - a) / a * 100 }' "$WORKDIR/samples.txt"
}
heap_drift=$(drift 1)
conn_drift=$(drift 2)
rss_drift=$(drift 3)
echo "drift (last 3 samples vs the first 3 after a ${WARMUP_MINUTES}-minute warm-up): heap after GC ${heap_drift} %, DB connections open ${conn_drift} %, RSS ${rss_drift} % (target < 5 %)"
# A leaked connection is one that is never given back: after the load, no more are in use than
# before it (the LISTEN connection of cross-replica notifications is held for good), and the
# pool's leak detection (a connection held > 10 min) never fired.
sleep 5
in_use_after=$(in_use_idle)
leaks=$(pool agroal_leak_detection_count_total)
echo "connections in use before / after the load: $in_use_before / $in_use_after; pool leak detections: $leaks; pool high-water mark: $(pool agroal_max_used_count) of $(( $(pool agroal_active_count) + $(pool agroal_available_count) )) open"
echo "errors: $(awk '$1=="E"' "$WORKDIR/journal.txt" | wc -l) answers >= 500 or transport errors; unexpected-failure incidents: $(grep -c 'Unexpected failure' "$WORKDIR/app.log" || true)"
machine_line
awk -v h="$heap_drift" -v c="$conn_drift" -v b="$in_use_before" -v a="$in_use_after" -v l="$leaks" \
    'BEGIN { exit !(h != "n/a" && h < 5 && h > -50 && c < 5 && a <= b && l == 0) }'
