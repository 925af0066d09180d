#!/usr/bin/env bash
# Sequencer throughput on a backlog: N unsequenced events (copies of real request events
# taken from the countersign_perf_audit database that bench/audit.sh leaves behind) chained by the
# packaged app's sequencer, once with the schema as shipped (since V21 in db/postgresql: a partial
# index on the unsequenced rows) and once with that index dropped (the schema before the fix).
# Usage: bench/audit-sequencer.sh [events]   (run bench/audit.sh first; reuses its build)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
SRC=countersign_perf_audit
DB=countersign_perf_audit_seq
PORT=${BENCH_PORT:-26471}
MGMT=${BENCH_MGMT_PORT:-26472}
OUT=target/perf-audit
PGJAR=$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar | sort -V | tail -1)
mkdir -p "$OUT"
sql() { psql -h 127.0.0.1 -U postgres -d "$1" -Atc "$2"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
ticks() { local t=0 p; for p in "$@"; do [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
APP=
start_app() {
  # Another process on our ports would answer the readiness probe in our place.
  if ss -ltn | grep -qE ":($PORT|$MGMT) "; then echo "port $PORT or $MGMT is in use (set BENCH_PORT/BENCH_MGMT_PORT)"; exit 1; fi
  (cd "$OUT" && exec env QUARKUS_PROFILE=postgres COUNTERSIGN_DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
    COUNTERSIGN_DB_USER=postgres COUNTERSIGN_DB_PASSWORD= COUNTERSIGN_JWT_ISSUER=https://countersign.dev/issuer \
    COUNTERSIGN_JWT_KEYS=file:$OLDPWD/src/test/resources/keys/dev-issuer-jwks.json COUNTERSIGN_WEB_SIGN_IN=token \
    QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MGMT QUARKUS_LOG_LEVEL=WARN \
    java -Xmx256m -jar "$OLDPWD/target/quarkus-app/quarkus-run.jar" > "$OLDPWD/$OUT/app-$DB.log" 2>&1) &
  APP=$!
  until curl -sf localhost:$MGMT/q/health/ready > /dev/null; do
    kill -0 $APP 2>/dev/null || { tail -30 "$OUT/app-$DB.log"; exit 1; }
    sleep 0.2
  done
}
stop_app() { kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; APP=; }
trap 'stop_app' EXIT

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)  events: $N"
psql -h 127.0.0.1 -U postgres -d $SRC -qc "\\copy (SELECT occurred_at, actor_kind, actor_id, agent_id, request_id, event_type, data \
  FROM audit_event WHERE request_id IS NOT NULL ORDER BY id LIMIT 300) TO '$OUT/templates.csv' CSV"
for variant in as-shipped without-partial-index; do
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  start_app; stop_app # Flyway creates the schema
  psql -h 127.0.0.1 -U postgres -d $DB -qc "\\copy audit_event (occurred_at, actor_kind, actor_id, agent_id, request_id, \
    event_type, data) FROM '$OUT/templates.csv' CSV"
  java -cp "$PGJAR" bench/AuditBench.java fill jdbc:postgresql://127.0.0.1:5432/$DB postgres "$N" > /dev/null
  if [ $variant = without-partial-index ]; then
    sql $DB "DROP INDEX audit_event_unsequenced_idx" > /dev/null
  fi
  sql $DB "VACUUM ANALYZE audit_event" > /dev/null
  echo "== $variant: $(sql $DB 'SELECT COUNT(*) FROM audit_event WHERE seq IS NULL') unsequenced (load before: $(load))"
  t0=$(date +%s%N)
  start_app
  pids=$(sql postgres "SELECT pid FROM pg_stat_activity WHERE datname = '$DB'")
  pg0=$(ticks $pids); j0=$(ticks $APP); s0=$(sql $DB "SELECT seq FROM audit_chain_head"); t1=$(date +%s%N)
  while [ "$(sql $DB 'SELECT COUNT(*) FROM audit_event WHERE seq IS NULL')" != 0 ]; do sleep 0.5; done
  t2=$(date +%s%N); s1=$(sql $DB "SELECT seq FROM audit_chain_head")
  pg=$(( $(ticks $(echo $pids $(sql postgres "SELECT pid FROM pg_stat_activity WHERE datname = '$DB'") | tr ' ' '\n' | sort -u)) - pg0 ))
  jvm=$(( $(ticks $APP) - j0 ))
  echo "chained $((s1 - s0)) events in $(( (t2 - t1) / 1000000 )) ms after readiness = $(( (s1 - s0) * 1000000000 / (t2 - t1) )) events/s \
(all $s1 in $(( (t2 - t0) / 1000000 )) ms from JVM start); CPU app $((jvm / 100)).$(printf %02d $((jvm % 100))) s + PostgreSQL \
$((pg / 100)).$(printf %02d $((pg % 100))) s = $(( (s1 - s0) * 100 / (jvm + pg + 1) )) events per CPU-second; load $(load)"
  stop_app
done
