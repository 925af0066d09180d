#!/usr/bin/env bash
# CPU and wall clock of the offline verifier (verify-audit) on a synthetic export of N events
# written by the test helper io.countersign.audit.ExportFixture (no server or database needed).
# Usage: bench/verify-audit.sh [events=1000000] [threads=<processors>]
# SKIP_BUILD=1 reuses target/classes, target/test-classes and target/cp.txt from an earlier run.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
THREADS=${2:-$(nproc)}
OUT=target/perf-verify
mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -s target/cp.txt ]; then
  .mvn/mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
fi
CP="target/classes:$(cat target/cp.txt)"
if [ ! -s "$OUT/export-$N.jsonl" ]; then
  java -cp "target/test-classes:$CP" io.countersign.audit.ExportFixture "$OUT/export-$N.jsonl" "$N" 1000 > "$OUT/key-$N.txt"
fi
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)  events: $N  threads: $THREADS"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "export: $(du -m "$OUT/export-$N.jsonl" | cut -f1) MB"
/usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M kB" java -Xmx256m -cp "$CP" io.countersign.audit.cli.VerifyAuditCommand \
  "$OUT/export-$N.jsonl" --key "$(cat "$OUT/key-$N.txt")" --threads "$THREADS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
