#!/usr/bin/env bash
# Audit-trail benchmark, on the packaged app with PostgreSQL and production settings:
#  A/B  fast path (bench/LoadGen.java) with the sequencer on and off (countersign.audit.sequencer-enabled)
#  C    direct cost of the audit append (the INSERT a request transaction pays), bench/AuditBench.java
#  D    1,000,000 events: real request events copied in 100k-row transactions, then chained by the
#       sequencer of an app started with -Xmx256m (sequencer throughput)
#  E    JSON Lines export of all 1M events through GET /api/v1/audit/export, heap sampled with jstat
#  F    offline verification with the packaged CLI (verify-audit), also with -Xmx256m
# Usage: bench/audit.sh [fastpath-seconds] [total-events]
#   REUSE_DB=1: skip A-D and run only E and F on the database a previous full run left behind
#   (its 1M chained events), e.g. to measure export and verification again on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
FP_SECONDS=${1:-20}
TOTAL=${2:-1000000}
DB=countersign_perf_audit
DB_OFF=countersign_perf_audit_noseq
PORT=${BENCH_PORT:-26471}
MGMT=${BENCH_MGMT_PORT:-26472}
OUT=target/perf-audit
KEY=src/test/resources/keys/dev-issuer-private.pem
PGJAR=$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar | sort -V | tail -1)
mkdir -p "$OUT"

pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
[ "${SKIP_BUILD:-}" = 1 ] || .mvn/mvnw -B -q package -DskipTests -Dskip.pg=true -Dquarkus.profile=postgres
sql() { psql -h 127.0.0.1 -U postgres -d "$1" -Atc "$2"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# CPU accounting (ticks of 10 ms): the machine is shared, so wall-clock rates depend on other users'
# load; CPU seconds per million events do much less.
ticks() { local t=0 p; for p in "$@"; do [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
db_pids() { sql postgres "SELECT pid FROM pg_stat_activity WHERE datname = '$1'"; }
cpu_mark() { CPU_JVM0=$(ticks $APP); CPU_PIDS=$(db_pids $DB); CPU_PG0=$(ticks $CPU_PIDS); }
cpu_report() { # events
  local jvm=$(( $(ticks $APP) - CPU_JVM0 )) pg=$(( $(ticks $(echo $CPU_PIDS $(db_pids $DB) | tr ' ' '\n' | sort -u)) - CPU_PG0 ))
  echo "CPU: app JVM $((jvm / 100)).$(printf %02d $((jvm % 100))) s + PostgreSQL backends $((pg / 100)).$(printf %02d $((pg % 100))) s \
= $(( $1 * 100 / (jvm + pg + 1) )) events per CPU-second"
}
APP=
start_app() { # db xmx [env...]
  local db=$1 xmx=$2; shift 2
  # Another process on our ports would answer the readiness probe in our place.
  if ss -ltn | grep -qE ":($PORT|$MGMT) "; then echo "port $PORT or $MGMT is in use (set BENCH_PORT/BENCH_MGMT_PORT)"; exit 1; fi
  (cd "$OUT" && exec env QUARKUS_PROFILE=postgres COUNTERSIGN_DB_URL=jdbc:postgresql://127.0.0.1:5432/$db \
    COUNTERSIGN_DB_USER=postgres COUNTERSIGN_DB_PASSWORD= COUNTERSIGN_JWT_ISSUER=https://countersign.dev/issuer \
    COUNTERSIGN_JWT_KEYS=file:$OLDPWD/src/test/resources/keys/dev-issuer-jwks.json COUNTERSIGN_WEB_SIGN_IN=token \
    QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MGMT QUARKUS_LOG_LEVEL=WARN "$@" \
    java "-Xmx$xmx" -jar "$OLDPWD/target/quarkus-app/quarkus-run.jar" > "$OLDPWD/$OUT/app-$db.log" 2>&1) &
  APP=$!
  until curl -sf localhost:$MGMT/q/health/ready > /dev/null; do
    kill -0 $APP 2>/dev/null || { tail -30 "$OUT/app-$db.log"; exit 1; }
    sleep 0.2
  done
}
stop_app() { kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; APP=; }
trap 'stop_app' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), PostgreSQL $(sql postgres 'show server_version')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)"

if [ "${REUSE_DB:-}" = 1 ]; then
  head=$(sql $DB "SELECT seq FROM audit_chain_head")
  echo "== reusing $DB: $head chained events (steps A-D skipped)"
  start_app $DB 256m
else
if [ "${SKIP_FASTPATH:-}" != 1 ]; then
  for variant in on off; do
    db=$DB; env=()
    if [ $variant = off ]; then db=$DB_OFF; env=(COUNTERSIGN_AUDIT_SEQUENCER_ENABLED=false); fi
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    start_app $db 512m "${env[@]}"
    echo "== fast path, sequencer $variant (load before: $(load))"
    echo "peak:    $(java bench/LoadGen.java http://localhost:$PORT $KEY peak "$FP_SECONDS" 32 8)"
    echo "at ${FP_RATE:-50}/s: $(java bench/LoadGen.java http://localhost:$PORT $KEY rate "$FP_SECONDS" "${FP_RATE:-50}" 8)"
    echo "load after: $(load)"
    stop_app
  done
  # What an approved request writes to the trail.
  echo "audit events per approved request: $(sql $DB "SELECT round(COUNT(*)::numeric / NULLIF(COUNT(DISTINCT e.request_id), 0), 2) \
    FROM audit_event e JOIN action_request r ON r.id = e.request_id WHERE r.status = 'APPROVED'") \
    ($(sql $DB "SELECT string_agg(t, ', ') FROM (SELECT e.event_type || ' x' || COUNT(*) t FROM audit_event e JOIN action_request r \
    ON r.id = e.request_id WHERE r.status = 'APPROVED' GROUP BY e.event_type ORDER BY e.event_type) x") for all approved requests);\
    mean data size $(sql $DB "SELECT round(avg(length(data))) FROM audit_event") characters"
  echo "unsequenced events left with the sequencer off: $(sql $DB_OFF 'SELECT COUNT(*) FROM audit_event WHERE seq IS NULL')"
fi

PER_TX=${PER_TX:-$(sql $DB "SELECT GREATEST(1, round(COUNT(*)::numeric / NULLIF(COUNT(DISTINCT e.request_id), 0))) FROM audit_event e \
  JOIN action_request r ON r.id = e.request_id WHERE r.status = 'APPROVED'")}
echo "== direct append cost, $PER_TX events per transaction (load before: $(load))"
java -cp "$PGJAR" bench/AuditBench.java append jdbc:postgresql://127.0.0.1:5432/$DB postgres 8 15 "$PER_TX"
java -cp "$PGJAR" bench/AuditBench.java append jdbc:postgresql://127.0.0.1:5432/$DB postgres 1 15 "$PER_TX"

echo "== $TOTAL events (load before: $(load))"
java -cp "$PGJAR" bench/AuditBench.java fill jdbc:postgresql://127.0.0.1:5432/$DB postgres "$TOTAL"
sql $DB "VACUUM ANALYZE audit_event" > /dev/null
before=$(sql $DB "SELECT seq FROM audit_chain_head")
t0=$(date +%s%N)
start_app $DB 256m
ready=$(sql $DB "SELECT seq FROM audit_chain_head"); t1=$(date +%s%N)
cpu_mark
while [ "$(sql $DB 'SELECT COUNT(*) FROM audit_event WHERE seq IS NULL')" != 0 ]; do sleep 0.5; done
t2=$(date +%s%N); head=$(sql $DB "SELECT seq FROM audit_chain_head")
echo "sequencer: chained $((head - before)) events in $(( (t2 - t0) / 1000000 )) ms from JVM start \
($(( (head - ready) * 1000000000 / (t2 - t1 + 1) )) events/s measured after readiness: $((head - ready)) events in $(( (t2 - t1) / 1000000 )) ms); \
load $(load)"
cpu_report $((head - ready))
echo "checkpoints: $(sql $DB 'SELECT COUNT(*) FROM audit_checkpoint')"
fi

echo "== export of $head events, app heap limit 256 MB (load before: $(load))"
AUDITOR=$(java bench/AuditBench.java token $KEY bench-auditor auditor)
curl -sf localhost:$PORT/.well-known/jwks.json > "$OUT/jwks.json"
jcmd $APP GC.run > /dev/null
jstat -gc $APP 100 > "$OUT/jstat-export.txt" & JSTAT=$!
cpu_mark
t0=$(date +%s%N)
curl -sf -H "Authorization: Bearer $AUDITOR" -o "$OUT/export.jsonl" "http://localhost:$PORT/api/v1/audit/export?format=jsonl"
t1=$(date +%s%N)
kill $JSTAT; wait $JSTAT 2>/dev/null || true
ms=$(( (t1 - t0) / 1000000 ))
events=$(tail -1 "$OUT/export.jsonl" | sed 's/.*"events":\([0-9]*\).*/\1/')
cpu_report $events
echo "export: $events events, $(( $(stat -c %s "$OUT/export.jsonl") / 1048576 )) MiB in $ms ms = $(( events * 1000 / ms )) events/s; load $(load)"
awk 'NR>1 && $1 ~ /^[0-9.]+$/ {u=$3+$4+$6+$8; if (u>m) m=u; n++} END {printf "heap during export (jstat every 100 ms, %d samples): peak used %.0f MB (young+old, garbage included) of -Xmx256m\n", n, m/1024}' "$OUT/jstat-export.txt"
awk 'NR==2 {y=$13; f=$15} END {printf "GCs during export: %d young, %d full\n", $13-y, $15-f}' "$OUT/jstat-export.txt"
jcmd $APP GC.heap_info | head -3
stop_app

echo "== offline verification, -Xmx256m (load before: $(load))"
t0=$(date +%s%N)
/usr/bin/time -f "max RSS %M KB, %e s wall, %U s user, %S s sys" \
  java -Xmx256m -jar target/quarkus-app/quarkus-run.jar verify-audit "$OUT/export.jsonl" --jwks "$OUT/jwks.json" 2>&1 | tail -3
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "verify: $events events in $ms ms (including JVM start) = $(( events * 1000 / ms )) events/s; load $(load)"
