# Shared by bench/crash.sh, outage.sh, fuzz.sh and soak.sh (source it; not run on its own).
# The fault runs use the shared launcher (bench/bench-lib.sh: build once, start/stop the packaged
# app with production settings on its own database) on their own ports, so they never collide
# with the load benches.
FAULTS_PORT=${FAULTS_PORT:-28080}
FAULTS_MGMT_PORT=${FAULTS_MGMT_PORT:-29000}
BENCH_PORT=$FAULTS_PORT
BENCH_MGMT_PORT=$FAULTS_MGMT_PORT
BENCH_JAVA_OPTS=${FAULTS_JAVA_OPTS:-${BENCH_JAVA_OPTS:-}}
source bench/bench-lib.sh
FAULTS_BASE=$BENCH_BASE
FAULTS_KEY=$BENCH_KEY

load() { # load <args...> (FaultLoad precompiled by build_app)
    bench_java FaultLoad "$@"
}

token() { # token <sub> <group>: a fixture-issuer bearer token
    bench_java FaultLoad token "$FAULTS_KEY" "$1" "$2"
}
