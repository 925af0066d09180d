# Shared by bench/crash.sh, outage.sh, fuzz.sh and soak.sh (source it; not run on its own).
# Builds the packaged app with the postgres profile and starts/stops it with production
# settings on its own database and ports, so fault runs never collide with other benches.
FAULTS_PORT=${FAULTS_PORT:-28080}
FAULTS_MGMT_PORT=${FAULTS_MGMT_PORT:-29000}
FAULTS_BASE=http://localhost:$FAULTS_PORT
FAULTS_KEY=src/test/resources/keys/dev-issuer-private.pem
PG_VERSION=$(ls /etc/postgresql | head -n1)
APP_PID=

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

build_app() {
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        mvn -B -q package -DskipTests -Dquarkus.profile=postgres
    fi
    javac -d "$WORKDIR/classes" bench/FaultLoad.java
}

# start_app <db>: starts the packaged app in $WORKDIR (its generated keys persist across restarts)
start_app() {
    (
        cd "$WORKDIR"
        export QUARKUS_PROFILE=postgres
        export COUNTERSIGN_DB_URL=jdbc:postgresql://127.0.0.1:5432/$1 COUNTERSIGN_DB_USER=postgres COUNTERSIGN_DB_PASSWORD=
        # The bench signs its own tokens with the fixture issuer key (never use it in production).
        export COUNTERSIGN_JWT_ISSUER=https://countersign.dev/issuer
        export COUNTERSIGN_JWT_KEYS=file:$OLDPWD/src/test/resources/keys/dev-issuer-jwks.json
        export QUARKUS_HTTP_PORT=$FAULTS_PORT QUARKUS_MANAGEMENT_PORT=$FAULTS_MGMT_PORT
        exec java ${FAULTS_JAVA_OPTS:-} -jar "$OLDPWD/target/quarkus-app/quarkus-run.jar" >> "$WORKDIR/app.log" 2>&1
    ) &
    APP_PID=$!
    local t0=$SECONDS
    until curl -sf "localhost:$FAULTS_MGMT_PORT/q/health/ready" > /dev/null; do
        if ! kill -0 "$APP_PID" 2> /dev/null; then
            tail -50 "$WORKDIR/app.log"
            echo "app died during start" >&2
            return 1
        fi
        if (( SECONDS - t0 > 180 )); then
            echo "app not ready after 180 s" >&2
            return 1
        fi
        sleep 0.3
    done
}

stop_app() { # stop_app [signal]
    if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2> /dev/null; then
        kill "-${1:-TERM}" "$APP_PID"
        wait "$APP_PID" 2> /dev/null || true
    fi
    APP_PID=
}

load() { # load <args...> (FaultLoad precompiled by build_app)
    java -cp "$WORKDIR/classes" FaultLoad "$@"
}

token() { # token <sub> <group>: a fixture-issuer bearer token
    java -cp "$WORKDIR/classes" FaultLoad token "$FAULTS_KEY" "$1" "$2"
}

machine_line() {
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1); shared with other builds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (+uncommitted changes)')"
}
