#!/usr/bin/env bash
# Fast-path benchmark (issue 2): packaged Countersign on PostgreSQL with production settings,
# load from bench/LoadGen.java (50% auto-approve, 50% policy deny). Measures peak throughput
# (closed loop, 32 in flight) and latency percentiles at a fixed 500 requests/s (open loop).
# Takes about 3 minutes plus the build. Prints a Markdown table row block for docs/benchmarks.md.
# Usage: bench/fastpath.sh [peak-seconds] [rate-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
PEAK_SECONDS=${1:-30}
RATE_SECONDS=${2:-30}
DB=countersign_bench
PORT=18080

pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"

mvn -B -q package -DskipTests -Dquarkus.profile=postgres
workdir=$(mktemp -d)
export QUARKUS_PROFILE=postgres
export COUNTERSIGN_DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB COUNTERSIGN_DB_USER=postgres COUNTERSIGN_DB_PASSWORD=
# The bench signs its own tokens with the fixture issuer key (never use it in production).
export COUNTERSIGN_JWT_ISSUER=https://countersign.dev/issuer
export COUNTERSIGN_JWT_KEYS=file:$PWD/src/test/resources/keys/dev-issuer-jwks.json
export QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=19000 QUARKUS_LOG_LEVEL=WARN
start=$(date +%s%N)
(cd "$workdir" && exec java -jar "$OLDPWD/target/quarkus-app/quarkus-run.jar" > "$workdir/app.log" 2>&1) &
APP=$!
trap 'kill $APP 2>/dev/null || true' EXIT
until curl -sf localhost:19000/q/health/ready > /dev/null; do
  kill -0 $APP 2>/dev/null || { cat "$workdir/app.log"; exit 1; }
  sleep 0.2
done
echo "started in $(( ($(date +%s%N) - start) / 1000000 )) ms; idle RSS $(( $(ps -o rss= -p $APP) / 1024 )) MB"

key=src/test/resources/keys/dev-issuer-private.pem
peak=$(java bench/LoadGen.java http://localhost:$PORT $key peak "$PEAK_SECONDS" 32 8)
rate=$(java bench/LoadGen.java http://localhost:$PORT $key rate "$RATE_SECONDS" 500 8)
jcmd $APP GC.run > /dev/null
heap=$(jcmd $APP GC.heap_info | awk '/used/ {print; exit}')
rss=$(( $(ps -o rss= -p $APP) / 1024 ))
cat <<OUT
machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)
date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)
peak: $peak
at 500/s: $rate
RSS after load: ${rss} MB; heap after GC: $heap
OUT
