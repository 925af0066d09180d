#!/usr/bin/env bash
# Database outage: the packaged app on PostgreSQL (production settings) under
# mixed load (bench/FaultLoad.java, 4 threads); PostgreSQL is stopped for DOWN seconds (30 by
# default) and started again. Checks: while it is down every answer >= 500 is a 503
# problem+json with Retry-After and readiness is DOWN; no ERROR is logged (an outage is a warning); nothing acknowledged is lost and nothing
# half-written remains (journal vs rows, idempotency records vs requests); unanswered
# submissions retried with their Idempotency-Key succeed; the audit chain verifies; the service
# recovers by itself. PostgreSQL is ALWAYS started again (trap), even if the script fails.
# Takes about DOWN + 90 s plus the build. NOTE: it stops the machine's shared PostgreSQL.
# Usage: bench/outage.sh [down-seconds]     (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/faults-lib.sh
DOWN=${1:-30}
DB=countersign_faults_outage
WORKDIR=$(mktemp -d /tmp/countersign-outage.XXXX)
JOURNAL=$WORKDIR/journal.txt
cleanup() {
    # Never leave PostgreSQL stopped, whatever happened.
    pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start || true
    stop_app
}
trap cleanup EXIT INT TERM

launch_fresh $DB
echo "app up (pid $APP_PID), workdir $WORKDIR"

load load "$FAULTS_BASE" "$FAULTS_KEY" $((DOWN + 45)) 4 "$JOURNAL" outage 20 > "$WORKDIR/load.out" &
LOAD_PID=$!
sleep 10
T_DOWN=$(date +%s)
pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop -m fast
echo "PostgreSQL stopped at $T_DOWN"
ready_codes=""
sample_taken=0
while (( $(date +%s) - T_DOWN < DOWN )); do
    ready_codes+="$(curl -s -o /dev/null -w '%{http_code}' "localhost:$FAULTS_MGMT_PORT/q/health/ready") "
    if (( sample_taken == 0 && $(date +%s) - T_DOWN >= 8 )); then
        curl -s -i -X POST "$FAULTS_BASE/api/v1/actions" -H "Authorization: Bearer $(token faults-outage-0 agent)" \
            -H 'Content-Type: application/json' -H "Idempotency-Key: outage-sample-$T_DOWN" \
            -d '{"type":"payment.transfer","target":"acct:x","environment":"sandbox","summary":"s","justification":"j","payload":{"amount":"1.00","currency":"EUR","beneficiary":{"name":"A","iban":"DE89370400440532013000"},"reference":"r"}}' \
            > "$WORKDIR/sample-503.txt" || true
        sample_taken=1
    fi
    sleep 2
done
pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
T_UP=$(date +%s)
echo "PostgreSQL started at $T_UP"
t_ready=""
while [ -z "$t_ready" ]; do
    if curl -sf "localhost:$FAULTS_MGMT_PORT/q/health/ready" > /dev/null; then t_ready=$(date +%s); fi
    (( $(date +%s) - T_UP > 120 )) && break
    sleep 0.5
done
wait $LOAD_PID || true
cat "$WORKDIR/load.out"
load retry "$FAULTS_BASE" "$FAULTS_KEY" "$JOURNAL" outage | tail -5 || echo "RETRY FAILED"

fail=0
check() { # check <name> <expected> <actual>
    if [ "$2" == "$3" ]; then echo "ok   $1 ($3)"; else echo "FAIL $1: expected $2, got $3"; fail=1; fi
}
during=$(awk -v a="$T_DOWN" -v b="$T_UP" '$1=="E" && $2>=a && $2<=b+2' "$JOURNAL")
n5xx=$(echo "$during" | awk '$3>=500' | grep -c . || true)
n503p=$(echo "$during" | awk '$3==503 && $4=="true" && $5!="-"' | grep -c . || true)
echo "answers >= 500 while down: $n5xx; of them 503 problem+json with Retry-After: $n503p; transport errors: $(echo "$during" | awk '$3==0' | grep -c . || true)"
echo "status codes >= 500 while down: $(echo "$during" | awk '$3>=500 {print $3}' | sort | uniq -c | tr '\n' ' ')"
check "every 5xx while down is 503 problem+json with Retry-After" "$n5xx" "$n503p"
check "some requests were answered 503 while down" "true" "$([ "$n503p" -gt 0 ] && echo true || echo false)"
echo "readiness while down: $ready_codes"
check "readiness went DOWN (503)" "true" "$(echo "$ready_codes" | grep -q 503 && echo true || echo false)"
check "readiness back UP after restart" "true" "$([ -n "$t_ready" ] && echo true || echo false)"
[ -n "$t_ready" ] && echo "readiness UP $((t_ready - T_UP)) s after PostgreSQL started"
after=$(awk -v b="$T_UP" '$1=="T" && $2>b+1 && $4>0' "$JOURNAL" | wc -l)
check "no errors in the load after recovery (seconds with errors, 2 s after restart)" "0" "$after"
grep -h "^S " "$JOURNAL" | awk '{print $2}' | sort -u > "$WORKDIR/acked.txt"
sql $DB "CREATE TABLE faults_acked (id UUID PRIMARY KEY)"
psql -h 127.0.0.1 -U postgres -d $DB -qc "\\copy faults_acked FROM '$WORKDIR/acked.txt'"
check "acknowledged submissions missing" 0 "$(sql $DB "SELECT count(*) FROM faults_acked k LEFT JOIN action_request a ON a.id = k.id WHERE a.id IS NULL")"
check "requests without idempotency record (half-written)" 0 "$(sql $DB "SELECT count(*) FROM action_request a LEFT JOIN action_idempotency i ON i.request_id = a.id WHERE i.request_id IS NULL")"
check "idempotency records without request (half-written)" 0 "$(sql $DB "SELECT count(*) FROM action_idempotency i LEFT JOIN action_request a ON a.id = i.request_id WHERE a.id IS NULL")"
check "requests without their action.submitted audit event" 0 "$(sql $DB "SELECT count(*) FROM action_request a WHERE NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.request_id = a.id AND e.event_type = 'action.submitted')")"
for i in $(seq 1 30); do
    [ "$(sql $DB "SELECT count(*) FROM audit_event WHERE seq IS NULL")" == 0 ] && break
    sleep 1
done
check "audit events left unsequenced" 0 "$(sql $DB "SELECT count(*) FROM audit_event WHERE seq IS NULL")"
verify=$(curl -s "$FAULTS_BASE/api/v1/audit/verify" -H "Authorization: Bearer $(token faults-auditor auditor)")
check "GET /api/v1/audit/verify ok" true "$(echo "$verify" | grep -o '"ok":[a-z]*' | cut -d: -f2)"
echo "sample answer while down:"; head -c 900 "$WORKDIR/sample-503.txt" | tr -d '\r'; echo
check "ERROR log lines (an outage is logged as warnings; an ERROR is a fault)" 0 "$(grep -c '"level":"ERROR"' "$WORKDIR/app.log" || true)"
machine_line
echo "requests: $(grep -c '^S ' "$JOURNAL") acknowledged submissions, PostgreSQL down ${DOWN} s"
exit $fail
