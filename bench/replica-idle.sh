#!/usr/bin/env bash
# Memory per idle replica: the packaged app on PostgreSQL with production settings
# (bench/bench-lib.sh), once built for the Camunda engine and once for the embedded engine, each on
# its own fresh database, started, left idle for N seconds and measured: RSS when ready, RSS after
# idling, heap in use after a forced full GC (and the heap and metaspace committed), live threads
# (by name), PostgreSQL connections held. The Camunda build talks to the protocol-level fake cluster
# (FakeCamundaGateway, run as its own process by io.countersign.bench.FakeGatewayMain): it deploys
# its models there at start-up and its job workers long-poll it as they would a real gateway (the
# fake holds each empty poll for the request timeout); the script fails unless both happened.
# Usage: bench/replica-idle.sh [idle-seconds=60]
#   SKIP_BUILD=1   reuse target/quarkus-app (embedded) and target/bench-camunda (Camunda)
#   IDLE_NMT=1     also run each app with -XX:NativeMemoryTracking=summary and print where its
#                  committed memory goes (NMT costs a few MB itself: not the headline figures)
#   IDLE_ENGINES   which builds to measure, in order (default "camunda embedded")
#   BENCH_PORT / BENCH_MGMT_PORT / FAKE_GRPC_PORT / FAKE_REST_PORT   ports (28180 / 28190 / 28126 / 28188)
#   BENCH_JAVA_OPTS  JVM options for both apps (e.g. -Xmx256m to see what a cap saves)
set -euo pipefail
cd "$(dirname "$0")/.."
IDLE=${1:-60}
[[ "$IDLE" =~ ^[0-9]+$ ]] && [ "$IDLE" -ge 1 ] || { echo "idle-seconds must be a positive whole number: $IDLE" >&2; exit 2; }
ENGINES=${IDLE_ENGINES:-camunda embedded}
for engine in $ENGINES; do
    [[ "$engine" == camunda || "$engine" == embedded ]] || { echo "IDLE_ENGINES: unknown engine $engine (camunda, embedded)" >&2; exit 2; }
done
# Own ports: the other benchmarks use 8080/8081/18080/19000, 26xxx and 28080/29000; and below Linux's
# ephemeral range (32768-60999), where an outgoing connection's local port can take a listener's.
BENCH_PORT=${BENCH_PORT:-28180}
BENCH_MGMT_PORT=${BENCH_MGMT_PORT:-28190}
FAKE_GRPC_PORT=${FAKE_GRPC_PORT:-28126}
FAKE_REST_PORT=${FAKE_REST_PORT:-28188}
source bench/bench-lib.sh
# The Camunda build's quarkus-app directory (target/bench-camunda): it must not overwrite target/quarkus-app.
CAMUNDA_OUT=bench-camunda
WORKDIR=$(mktemp -d /tmp/countersign-replica-idle.XXXX)
FAKE_PID=

cleanup() {
    stop_app
    if [ -n "$FAKE_PID" ] && kill -0 "$FAKE_PID" 2> /dev/null; then
        kill "$FAKE_PID"
        wait "$FAKE_PID" 2> /dev/null || true
    fi
    FAKE_PID=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$BENCH_PORT" "$BENCH_MGMT_PORT" "$FAKE_GRPC_PORT" "$FAKE_REST_PORT"; do
    if ss -ltnH "sport = :$port" | grep -q .; then
        echo "port $port is in use; choose others (BENCH_PORT, BENCH_MGMT_PORT, FAKE_GRPC_PORT, FAKE_REST_PORT)" >&2
        exit 2
    fi
done

# ---- builds: Camunda engine into target/bench-camunda, embedded into target/quarkus-app ----------
pg_up
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    # countersign.engine is a build-time property: given on the Maven command line it reaches the
    # Quarkus build (checked below on the generated beans, and at run time by the fake's counters).
    .mvn/mvnw -B -q package -DskipTests -Dskip.pg=true -Dquarkus.profile=postgres -Dcountersign.engine=camunda \
        -Dquarkus.package.output-directory=$CAMUNDA_OUT
else
    .mvn/mvnw -B -q test-compile # FakeGatewayMain runs from the test classes
fi
build_app # the embedded build (postgres profile) in target/quarkus-app, as every other bench script uses

# A copy of each package and of the test classes, so a build in the worktree cannot change them mid-run.
cp -r "target/$CAMUNDA_OUT" "$WORKDIR/app-camunda"
cp -r target/quarkus-app "$WORKDIR/app-embedded"
cp -r target/test-classes "$WORKDIR/test-classes"
has_bean() { # has_bean <app dir> <bean class simple name>: did the build wire this bean?
    # (grep reads the whole listing: with pipefail, grep -q could fail the pipe by closing it early)
    unzip -Z1 "$1/quarkus/generated-bytecode.jar" | grep "/$2_Bean.class\$" > /dev/null
}
has_bean "$WORKDIR/app-camunda" CamundaEngineProducer && ! has_bean "$WORKDIR/app-camunda" EmbeddedWorkflowEngine \
    || { echo "target/$CAMUNDA_OUT is not a Camunda-engine build (countersign.engine not applied at build time)" >&2; exit 1; }
has_bean "$WORKDIR/app-embedded" EmbeddedWorkflowEngine && ! has_bean "$WORKDIR/app-embedded" CamundaEngineProducer \
    || { echo "target/quarkus-app is not an embedded-engine build" >&2; exit 1; }
.mvn/mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$WORKDIR/test.cp" -Dmdep.includeScope=test > /dev/null

# ---- the fake cluster ---------------------------------------------------------------------------
fake_status() { # fake_status <key>: one value from the fake's status file
    grep "^$1=" "$WORKDIR/fake.status" | cut -d= -f2-
}

start_fake() {
    java -Xmx128m -cp "$WORKDIR/test-classes:$(cat "$WORKDIR/test.cp")" io.countersign.bench.FakeGatewayMain \
        "$FAKE_GRPC_PORT" "$FAKE_REST_PORT" "$WORKDIR/fake.status" > "$WORKDIR/fake.log" 2>&1 &
    FAKE_PID=$!
    local s0=$SECONDS
    until [ -s "$WORKDIR/fake.status" ]; do
        if ! kill -0 "$FAKE_PID" 2> /dev/null || (( SECONDS - s0 > 60 )); then
            cat "$WORKDIR/fake.log" >&2
            echo "fake gateway did not start" >&2
            return 1
        fi
        sleep 0.2
    done
}

# ---- measurements -------------------------------------------------------------------------------
threads() { grep '^Threads:' "/proc/$APP_PID/status" | awk '{ print $2 }'; }

thread_groups() { # live threads grouped by name with trailing numbers dropped, largest groups first
    cat /proc/"$APP_PID"/task/*/comm 2> /dev/null | sed -E 's/[-_ #]*[0-9]+$//' | sort | uniq -c | sort -k1,1nr -k2 \
        | awk '{ n = $1; $1 = ""; printf "%s%s %d", (NR > 1 ? ", " : ""), substr($0, 2), n }'
}

pg_connections() { # <db>: "<all> <LISTEN>" backends connected to the database (this query's own is elsewhere)
    sql postgres "SELECT count(*) || ' ' || count(*) FILTER (WHERE query ILIKE 'LISTEN%')
                  FROM pg_stat_activity WHERE datname = '$1'"
}

heap_after_gc() { # forces a full GC; prints "<heap used> <heap committed> <metaspace committed>" in MB
    # GC.heap_info also gives the committed heap and metaspace (bench-lib's live_heap_kb gives only
    # the live bytes); on an idle app nothing is allocated between the GC and the read. Summed over
    # the heap's lines ("total NK, used NK"): G1 prints one, Serial and Parallel one per generation.
    jcmd "$APP_PID" GC.run > /dev/null
    jcmd "$APP_PID" GC.heap_info | awk '
        match($0, /total [0-9]+K, used [0-9]+K/) {
            split(substr($0, RSTART, RLENGTH), f, /[ K,]+/); total += f[2]; used += f[4] }
        /^ *Metaspace/ && match($0, /committed [0-9]+K/) { meta = substr($0, RSTART + 10, RLENGTH - 11) }
        END { if (total == 0) exit 1; printf "%d %d %d\n", used / 1024, total / 1024, meta / 1024 }'
}

nmt_summary() { # committed memory by NMT category, largest first (only with IDLE_NMT=1)
    jcmd "$APP_PID" VM.native_memory summary > "$WORKDIR/nmt-$1.txt"
    awk '/^-.*committed=/ {
            name = $0; sub(/^- */, "", name); sub(/ *\(reserved.*/, "", name)
            match($0, /committed=[0-9]+KB/); kb = substr($0, RSTART + 10, RLENGTH - 12) + 0
            if (kb >= 1024) printf "%d %s\n", kb / 1024, name }' "$WORKDIR/nmt-$1.txt" \
        | sort -nr | awk '{ mb = $1; $1 = ""; printf "%s%s %d MB", (NR > 1 ? ", " : ""), substr($0, 2), mb }'
}

ROWS=()
measure() { # measure <engine>
    local engine=$1 db=countersign_bench_idle_$1 polls0=0 polls1=0 workers=- poll_rate=- poll_timeout=-
    local java_opts=${BENCH_JAVA_OPTS:-}
    fresh_db "$db"
    if [ "$engine" == camunda ]; then
        start_fake
        export COUNTERSIGN_CAMUNDA_GRPC_ADDRESS=http://127.0.0.1:$FAKE_GRPC_PORT
        export COUNTERSIGN_CAMUNDA_REST_ADDRESS=http://127.0.0.1:$FAKE_REST_PORT
        export COUNTERSIGN_CAMUNDA_AUTH_MODE=none
    else
        unset COUNTERSIGN_CAMUNDA_GRPC_ADDRESS COUNTERSIGN_CAMUNDA_REST_ADDRESS COUNTERSIGN_CAMUNDA_AUTH_MODE
    fi
    [ "${IDLE_NMT:-0}" == 1 ] && BENCH_JAVA_OPTS="$java_opts -XX:NativeMemoryTracking=summary"
    BENCH_APP=$WORKDIR/app-$engine
    echo "$engine: starting on database $db (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    start_app "$db"
    BENCH_JAVA_OPTS=$java_opts
    if [ "$engine" == camunda ]; then
        local s0=$SECONDS
        until [ "$(fake_status deployments)" -ge 1 ] 2> /dev/null; do
            if (( SECONDS - s0 > 60 )); then
                tail -30 "$WORKDIR/app.log" >&2
                echo "the app did not deploy its models to the fake gateway within 60 s" >&2
                return 1
            fi
            sleep 0.5
        done
        workers=$(grep -c 'Camunda job worker opened' "$WORKDIR/app.log" || true)
        polls0=$(fake_status activate-requests)
    fi
    echo "$engine: ready in $STARTUP_MS ms, RSS $IDLE_RSS_MB MB; idling $IDLE s"
    sleep "$IDLE"
    local rss threads groups conns heap heap_committed metaspace nmt=
    rss=$(rss_mb)
    threads=$(threads)
    groups=$(thread_groups)
    conns=$(pg_connections "$db")
    if [ "$engine" == camunda ]; then
        polls1=$(fake_status activate-requests)
        (( polls1 > polls0 )) || { echo "no job worker polled the fake gateway while idling" >&2; return 1; }
        poll_rate=$(awk -v d=$((polls1 - polls0)) -v s="$IDLE" 'BEGIN { printf "%.0f", d * 60 / s }')
        poll_timeout=$(fake_status activate-request-timeout-ms)
        echo "$engine: fake gateway: $(fake_status deployments) deployment(s) of $(fake_status resources);" \
            "activate-jobs polls by type: $(fake_status activate-requests-by-type)"
    fi
    read -r heap heap_committed metaspace < <(heap_after_gc) \
        || { echo "could not read the heap from jcmd GC.heap_info" >&2; return 1; }
    [ "${IDLE_NMT:-0}" == 1 ] && nmt=$(nmt_summary "$engine")
    stop_app
    mv "$WORKDIR/app.log" "$WORKDIR/app-$engine.log"
    echo "$groups" | tr ',' '\n' | sed 's/^ //' > "$WORKDIR/threads-$engine.txt"
    if [ "$engine" == camunda ]; then
        cleanup
        mv "$WORKDIR/fake.status" "$WORKDIR/fake-status.txt"
    fi
    local summary="RSS at ready $IDLE_RSS_MB MB (ready in $STARTUP_MS ms), after $IDLE s idle $rss MB;"
    summary+=" heap after GC $heap MB used / $heap_committed MB committed, metaspace $metaspace MB committed;"
    summary+=" $threads threads; PostgreSQL connections ${conns% *} (${conns#* } LISTEN)"
    [ "$engine" == camunda ] && summary+="; $workers job workers, $poll_rate activate-jobs polls/min to the cluster (each held up to $poll_timeout ms)"
    [ -n "$nmt" ] && summary+="; NMT committed: $nmt"
    [ -n "${BENCH_JAVA_OPTS:-}" ] && summary+="; JVM options: $BENCH_JAVA_OPTS"
    echo "$engine: threads by name: $groups"
    ROWS+=("| $engine | $IDLE_RSS_MB | $rss | $heap / $heap_committed | $metaspace | $threads | ${conns% *} (${conns#* } LISTEN) | $poll_rate |")
    result_row "idle replica, $engine engine$([ "$engine" == camunda ] && echo ' (fake gateway)'), $IDLE s idle$([ "${IDLE_NMT:-0}" == 1 ] && echo ', with NMT')" "$summary"
}

for engine in $ENGINES; do
    measure "$engine"
done
echo
machine_line
echo "| engine | RSS at ready (MB) | RSS after $IDLE s idle (MB) | heap after GC used / committed (MB) | metaspace (MB) | threads | PostgreSQL connections | cluster polls/min |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo "workdir (app-<engine>.log, threads-<engine>.txt, nmt-<engine>.txt, fake-status.txt): $WORKDIR"
