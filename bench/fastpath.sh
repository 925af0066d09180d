#!/usr/bin/env bash
# Fast-path benchmark: packaged Countersign on PostgreSQL with production settings
# (started by the shared launcher bench/bench-lib.sh), load from bench/LoadGen.java (50%
# auto-approve, 50% policy deny). Measures peak throughput (closed loop, 32 in flight) and latency
# percentiles at a fixed 500 requests/s (open loop). Takes about 5 minutes plus the build. Prints
# the figures and appends a results row (target/bench-results.md).
# Usage: bench/fastpath.sh [peak-seconds] [rate-seconds]     (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_PORT=${BENCH_PORT:-18080}
BENCH_MGMT_PORT=${BENCH_MGMT_PORT:-19000}
source bench/bench-lib.sh
PEAK_SECONDS=${1:-30}
RATE_SECONDS=${2:-30}
DB=countersign_bench
WORKDIR=$(mktemp -d /tmp/countersign-fastpath.XXXX)
trap stop_app EXIT INT TERM
export QUARKUS_LOG_LEVEL=WARN

launch_fresh $DB
# The first run warms the JIT up for LOADGEN_WARMUP_SECONDS (default here 120: on 2 cores under
# full load the server's throughput was still climbing 60 s after start, docs/benchmarks.md)
# before it measures; the second, on the same warm JVM, needs only a short warm-up of its own
# fresh agents. The peak line ends with the throughput of each 10 s window, to show it was steady.
peak=$(LOADGEN_WARMUP_SECONDS=${LOADGEN_WARMUP_SECONDS:-120} java bench/LoadGen.java "$BENCH_BASE" "$BENCH_KEY" peak "$PEAK_SECONDS" 32 8)
rate=$(LOADGEN_WARMUP_SECONDS=10 java bench/LoadGen.java "$BENCH_BASE" "$BENCH_KEY" rate "$RATE_SECONDS" 500 8)
heap=$(heap_after_gc_mb)
rss=$(rss_mb)
machine_line
echo "peak: $peak"
echo "at 500/s: $rate"
echo "RSS after load: ${rss} MB; heap after GC: ${heap} MB"
result_row "fast path, peak ${PEAK_SECONDS} s + 500/s for ${RATE_SECONDS} s" \
    "peak: $peak; at 500/s: $rate; start-up $STARTUP_MS ms, idle RSS $IDLE_RSS_MB MB, RSS after $rss MB, heap after GC $heap MB"
