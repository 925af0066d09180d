#!/usr/bin/env bash
# Long fuzz run against the packaged app on PostgreSQL (production settings):
# the same generator as the in-suite FuzzSmokeTest (src/test/java/io/countersign/faults/Fuzzer.java)
# over every endpoint of FaultEndpoints, with many more iterations and bodies beyond every size
# limit (11 MB). Fails on any answer >= 500, a dropped connection, or internals (exception or
# class names, stack frames) in any body; afterwards the app must have logged no unexpected
# failure and the audit chain must still be sequenced and verify (no poisoned event).
# Takes about ITERATIONS / 50 seconds on 2 shared cores plus the build.
# Usage: bench/fuzz.sh [iterations] [seed]     (SKIP_BUILD=1 reuses target/quarkus-app and target/test-classes)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/faults-lib.sh
ITERATIONS=${1:-20000}
SEED=${2:-$RANDOM$RANDOM}
DB=countersign_faults_fuzz
WORKDIR=$(mktemp -d /tmp/countersign-fuzz.XXXX)
trap stop_app EXIT INT TERM

launch_fresh $DB
fuzz_rc=0
java -cp target/test-classes io.countersign.faults.FuzzMain "$FAULTS_BASE" src/test/resources/keys "$ITERATIONS" "$SEED" 11000000 \
    | tee "$WORKDIR/fuzz.out" || fuzz_rc=$?
for i in $(seq 1 30); do
    [ "$(sql $DB "SELECT count(*) FROM audit_event WHERE seq IS NULL")" == 0 ] && break
    sleep 1
done
unsequenced=$(sql $DB "SELECT count(*) FROM audit_event WHERE seq IS NULL")
verify=$(curl -s "$FAULTS_BASE/api/v1/audit/verify" -H "Authorization: Bearer $(token faults-auditor auditor)")
incidents=$(grep -c 'Unexpected failure' "$WORKDIR/app.log" || true)
echo "fuzzer exit code: $fuzz_rc (0 = no findings)"
echo "unexpected-failure incidents in the app log: $incidents"
echo "audit events left unsequenced: $unsequenced; server verify: $(echo "$verify" | grep -o '"ok":[a-z]*')"
machine_line
[ "$fuzz_rc" == 0 ] && [ "$incidents" == 0 ] && [ "$unsequenced" == 0 ] && echo "$verify" | grep -q '"ok":true'
