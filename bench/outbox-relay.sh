#!/usr/bin/env bash
# Outbox relay benchmark: enqueues start commands (10 per transaction) into the outbox of the
# application built for the Camunda engine and measures how fast the relay delivers them to
# the in-process fake gateway, and the latency it adds (commit -> delivered).
# Takes about 1-2 minutes. Usage: bench/outbox-relay.sh [commands, default 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
.mvn/mvnw -B -q test -Dskip.pg=true -Dtest=OutboxRelayBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -DargLine="-Dbench.commands=${1:-2000} -Dquarkus.management.test-port=0" 2>&1 | grep "BENCH" || {
    echo "benchmark produced no result line" >&2
    exit 1
}
