# Shared bench launcher (source it; not run on its own). Used by review.sh, cycle.sh,
# inbox-pages.sh, startup.sh, replica-idle.sh and, through faults-lib.sh, by crash.sh, outage.sh,
# fuzz.sh and soak.sh. It builds the packaged app once with the postgres profile, starts it with
# production settings on its own PostgreSQL database and ports, measures start-up time and idle
# RSS, samples RSS and heap after GC, and appends result rows (machine, date, commit) to
# $BENCH_RESULTS.
#
# Caller sets WORKDIR (a fresh directory) before build_app/start_app. Knobs (environment):
#   BENCH_PORT, BENCH_MGMT_PORT  HTTP and management ports (defaults 26180 / 26190; below the ephemeral range 32768-60999)
#   SKIP_BUILD=1                 reuse target/quarkus-app (javac of the bench drivers still runs)
#   BENCH_APP=<dir>              run the packaged app from <dir> instead of target/quarkus-app
#                                (a copy, so that a build in the worktree cannot change it mid-run)
#   BENCH_JAVA_OPTS              extra JVM options for the app (e.g. -Xmx512m)
#   BENCH_RESULTS                results file (default target/bench-results.md)
BENCH_PORT=${BENCH_PORT:-26180}
BENCH_MGMT_PORT=${BENCH_MGMT_PORT:-26190}
BENCH_BASE=http://localhost:$BENCH_PORT
BENCH_KEY=src/test/resources/keys/dev-issuer-private.pem
BENCH_RESULTS=${BENCH_RESULTS:-target/bench-results.md}
PG_VERSION=$(ls /etc/postgresql | head -n1)
APP_PID=
STARTUP_MS=
IDLE_RSS_MB=

pg_up() {
    pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
    until pg_isready -h 127.0.0.1 -p 5432 -q; do sleep 0.5; done
}

fresh_db() {
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}

sql() { # sql <db> <query>: one value per line, no headers
    psql -h 127.0.0.1 -U postgres -d "$1" -qAtc "$2"
}

# build_app: the packaged app (postgres profile) and the bench drivers, compiled together into
# $WORKDIR/classes (ReviewBench reuses FaultLoad's token signing). -Dskip.pg=true skips the pom's
# second (build-postgres) augmentation, which would build the same PostgreSQL app once more.
build_app() {
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        .mvn/mvnw -B -q package -DskipTests -Dskip.pg=true -Dquarkus.profile=postgres
    fi
    javac -d "$WORKDIR/classes" bench/FaultLoad.java bench/ReviewBench.java bench/NotifyBench.java
}

# start_app <db>: starts the packaged app in $WORKDIR (its generated keys persist across restarts)
# and waits until it is ready; sets APP_PID, STARTUP_MS (launch -> ready) and IDLE_RSS_MB.
start_app() {
    local t0
    t0=$(date +%s%N)
    # The bench drivers redeem as these executor identities; production maps each executor's
    # subject to its audiences (docs/executors.md, "Who may redeem"), an unmapped one redeems
    # nothing. Read by the app from config/ in its working directory; bench only.
    mkdir -p "$WORKDIR/config"
    cat > "$WORKDIR/config/application.properties" <<'PROPS'
countersign.release.executors."bench-executor".audiences=db-migrator,payment-service,git-pre-receive,countersign-executor
countersign.release.executors."faults-executor".audiences=db-migrator,payment-service,git-pre-receive,countersign-executor
PROPS
    # a bench's own settings (bench/notify.sh: SMTP, Slack fake, notification routes)
    if [ -n "${BENCH_EXTRA_PROPS:-}" ]; then
        printf '%s\n' "$BENCH_EXTRA_PROPS" >> "$WORKDIR/config/application.properties"
    fi
    (
        cd "$WORKDIR"
        export QUARKUS_PROFILE=postgres
        export COUNTERSIGN_DB_URL=jdbc:postgresql://127.0.0.1:5432/$1 COUNTERSIGN_DB_USER=postgres COUNTERSIGN_DB_PASSWORD=
        # The bench signs its own tokens with the fixture issuer key (never use it in production).
        export COUNTERSIGN_JWT_ISSUER=https://countersign.dev/issuer
        # ... and people sign in to the pages by pasting such tokens (no identity provider here).
        export COUNTERSIGN_WEB_SIGN_IN=token
        export COUNTERSIGN_JWT_KEYS=file:$OLDPWD/src/test/resources/keys/dev-issuer-jwks.json
        export QUARKUS_HTTP_PORT=$BENCH_PORT QUARKUS_MANAGEMENT_PORT=$BENCH_MGMT_PORT
        exec java ${BENCH_JAVA_OPTS:-} -jar "${BENCH_APP:-$OLDPWD/target/quarkus-app}/quarkus-run.jar" >> "$WORKDIR/app.log" 2>&1
    ) &
    APP_PID=$!
    local s0=$SECONDS
    until curl -sf "localhost:$BENCH_MGMT_PORT/q/health/ready" > /dev/null; do
        if ! kill -0 "$APP_PID" 2> /dev/null; then
            tail -50 "$WORKDIR/app.log"
            echo "app died during start" >&2
            return 1
        fi
        if (( SECONDS - s0 > 180 )); then
            echo "app not ready after 180 s" >&2
            return 1
        fi
        sleep 0.1
    done
    STARTUP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
    IDLE_RSS_MB=$(rss_mb)
}

# prepare_fresh <db>: PostgreSQL up, the database recreated empty, the app built.
prepare_fresh() {
    pg_up
    fresh_db "$1"
    build_app
}

# launch_fresh <db>: prepare_fresh, then the app started on the database.
launch_fresh() {
    prepare_fresh "$1"
    start_app "$1"
    echo "started in $STARTUP_MS ms, idle RSS $IDLE_RSS_MB MB; workdir $WORKDIR"
}

stop_app() { # stop_app [signal]
    if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2> /dev/null; then
        kill "-${1:-TERM}" "$APP_PID"
        wait "$APP_PID" 2> /dev/null || true
    fi
    APP_PID=
}

rss_mb() {
    echo $(( $(ps -o rss= -p "$APP_PID" | tr -d ' ') / 1024 ))
}

heap_after_gc_mb() { # prints the live heap in MB (live_heap_kb)
    echo $(( $(live_heap_kb) / 1024 ))
}

# live_heap_kb: the bytes of the objects that survive a full GC, counted in the same safepoint as
# that GC (GC.class_histogram forces it and sums the live objects). "GC.run, then GC.heap_info"
# read the heap a second later, after the app, still under load, had allocated again: 47-64 MB
# against a live set of ~27 MB in one soak run, noise that looked like a leak.
live_heap_kb() {
    echo $(( $(jcmd "$APP_PID" GC.class_histogram | awk '/^Total/ {print $3}') / 1024 ))
}

bench_java() { # bench_java <main class> <args...>: a bench driver compiled by build_app
    java -cp "$WORKDIR/classes" "$@"
}

machine_line() {
    echo "machine: $(machine) ; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(commit)"
}

machine() { # the CPU model too: two VMs of the same kind differed by 3x in PostgreSQL throughput
    echo "$(nproc) cores ($(awk -F': ' '/^model name/ {m=$2} /^cpu MHz/ {f=$2} END {printf "%s %.0f MHz", m, f}' /proc/cpuinfo)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1 | tr -d '"')"
}

commit() {
    echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo '+uncommitted')"
}

# result_row <scenario> <result text>: appends one Markdown row (creating the table) and prints it.
result_row() {
    mkdir -p "$(dirname "$BENCH_RESULTS")"
    if [ ! -s "$BENCH_RESULTS" ]; then
        echo "| date | commit | machine | load average | scenario | result |" > "$BENCH_RESULTS"
        echo "|---|---|---|---|---|---|" >> "$BENCH_RESULTS"
    fi
    local row
    row="| $(date -u +%Y-%m-%dT%H:%MZ) | $(commit) | $(machine) | $(cut -d' ' -f1-3 /proc/loadavg) | $1 | $2 |"
    echo "$row" >> "$BENCH_RESULTS"
    echo "$row"
}
