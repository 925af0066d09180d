#!/usr/bin/env bash
# Embedded engine benchmark: five-step process (service task -> exclusive gateway ->
# user task completed through the WorkflowEngine interface -> service task -> end), driven
# closed-loop by src/test/java/io/countersign/bench/EngineBench.java on PostgreSQL and on an H2
# file database (the production H2 settings: WRITE_DELAY=0, every commit written through).
# Usage: bench/engine.sh [seconds] [in-flight] [worker-threads] [warmup-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-30}
IN_FLIGHT=${2:-64}
WORKERS=${3:-4}
WARMUP=${4:-15}
DB=countersign_perf_engine
source bench/bench-lib.sh # machine()

pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
.mvn/mvnw -B -q test-compile
.mvn/mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test > /dev/null
CP="target/test-classes:target/classes:$(cat target/bench.cp)"
# Same JVM flags for both databases; the heap is not the limit here.
# On PostgreSQL the driver runs ANALYZE after the warm-up (a database in service has statistics;
# docs/benchmarks.md, "Embedded engine", run 7); ENGINE_NO_ANALYZE=1 measures a brand-new database.
JAVA=(java -Xmx512m ${ENGINE_NO_ANALYZE:+-Dbench.noAnalyze=true} -Dorg.jboss.logging.provider=slf4j -cp "$CP" io.countersign.bench.EngineBench)

header() {
  echo "machine: $(machine), PostgreSQL $(psql -h 127.0.0.1 -U postgres -Atc 'show server_version')"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+dirty')"
}
header
for target in ${ENGINE_DBS:-postgresql h2}; do
  echo "load average before ($target): $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$target" = postgresql ]; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
    url=jdbc:postgresql://127.0.0.1:5432/$DB user=postgres
  else
    rm -rf target/perf-h2 && mkdir -p target/perf-h2
    url="jdbc:h2:file:$PWD/target/perf-h2/engine;WRITE_DELAY=0;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
    user=sa
  fi
  "${JAVA[@]}" "$url" "$user" "$WARMUP" "$SECONDS_RUN" "$IN_FLIGHT" "$WORKERS" "$target" 2> target/engine-bench-$target.err \
    || { echo "benchmark failed:"; tail -20 target/engine-bench-$target.err; exit 1; }
  echo "load average after ($target): $(cut -d' ' -f1-3 /proc/loadavg)"
done
