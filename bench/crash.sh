#!/usr/bin/env bash
# Crash test: the packaged app on PostgreSQL (production settings) under
# mixed load (bench/FaultLoad.java: fast-path approvals and denials, review-path submissions,
# cancels, release fetch + redeem, outcomes, list reads), SIGKILLed at a random moment in each
# of ROUNDS rounds (20 by default) and restarted. Afterwards, with the app up again, it retries
# every unanswered submission with its Idempotency-Key and checks:
#   - every submission that got a 2xx exists; every 200 cancel/outcome/redeem is in the rows;
#   - no request has two terminal states, and its status history in the audit trail (submitted
#     status, then each transition) ends in its current row status;
#   - no half-written submission (request <-> idempotency record <-> action.submitted event);
#   - each approval has at most one live release and at most one redemption, each audited once;
#   - the audit chain is gap-free, verifies on the server and offline (verify-audit + JWKS);
#   - every PENDING_REVIEW request has exactly one open review task (or, between two steps of its
#     review, none and a scheduled timer of its process), and no request that is no longer
#     pending keeps an open review task (after giving the reconciler up to 3 minutes to start
#     missing processes and deliver cancellations).
# Takes about ROUNDS x (start-up + LOAD_SECONDS) — 10 to 15 minutes on 2 shared cores.
# Usage: bench/crash.sh [rounds] [load-seconds]     (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/faults-lib.sh
ROUNDS=${1:-20}
LOAD_SECONDS=${2:-10}
DB=countersign_faults_crash
WORKDIR=$(mktemp -d /tmp/countersign-crash.XXXX)
JOURNAL=$WORKDIR/journal.txt
touch "$JOURNAL"
LOAD_PID=
cleanup() {
    [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2> /dev/null || true
    stop_app
}
trap cleanup EXIT INT TERM

prepare_fresh $DB
echo "workdir $WORKDIR"
for round in $(seq 1 "$ROUNDS"); do
    t0=$SECONDS
    start_app $DB
    started=$((SECONDS - t0))
    load load "$FAULTS_BASE" "$FAULTS_KEY" "$LOAD_SECONDS" 6 "$JOURNAL" crash > "$WORKDIR/load-$round.out" 2>&1 &
    LOAD_PID=$!
    # Kill at a random moment once this round's load is flowing (the first answer written).
    before=$(wc -l < "$JOURNAL" 2> /dev/null || echo 0)
    for i in $(seq 1 100); do
        (( $(wc -l < "$JOURNAL" 2> /dev/null || echo 0) > before )) && break
        sleep 0.2
    done
    at=$(awk -v r="$RANDOM" -v m="$LOAD_SECONDS" 'BEGIN { printf "%.2f", 0.5 + r / 32767 * (m - 2) }')
    sleep "$at"
    stop_app KILL
    sleep 0.5 # let the load record the requests the kill cut off
    kill "$LOAD_PID" 2> /dev/null || true
    wait "$LOAD_PID" 2> /dev/null || true
    LOAD_PID=
    echo "round $round: started in ${started} s, SIGKILL ${at} s into the load; acknowledged so far: $(grep -c '^S ' "$JOURNAL" || true)"
done

start_app $DB
echo "final start: retrying unanswered submissions with their Idempotency-Key"
retry_ok=true
load retry "$FAULTS_BASE" "$FAULTS_KEY" "$JOURNAL" crash | tail -3 || retry_ok=false
for i in $(seq 1 60); do
    [ "$(sql $DB "SELECT count(*) FROM audit_event WHERE seq IS NULL")" == 0 ] && break
    sleep 1
done

fail=0
check() { # check <name> <expected> <actual>
    if [ "$2" == "$3" ]; then echo "ok   $1 ($3)"; else echo "FAIL $1: expected $2, got $3"; fail=1; fi
}
load_ids() { # load_ids <table> <awk program>: journal ids into a table
    sql $DB "DROP TABLE IF EXISTS $1; CREATE TABLE $1 (id TEXT PRIMARY KEY, extra TEXT)"
    awk "$2" "$JOURNAL" | sort -u -k1,1 > "$WORKDIR/$1.tsv"
    psql -h 127.0.0.1 -U postgres -d $DB -qc "\\copy $1 FROM '$WORKDIR/$1.tsv'"
}
load_ids faults_acked '$1=="S" && NF>=5 {print $2 "\t" $3}'
load_ids faults_cancelled '$1=="C" && NF==2 {print $2 "\t-"}'
load_ids faults_outcome '$1=="O" && NF==3 {print $2 "\t" $3}'
load_ids faults_redeemed '$1=="R" && NF==3 {print $2 "\t" $3}'
TERMINAL="'DENIED','REJECTED','EXPIRED','CANCELLED','EXECUTED','EXECUTION_FAILED'"
HISTORY="WITH h AS (SELECT request_id, id, CASE WHEN event_type = 'action.submitted' THEN (data::jsonb)->>'status'
          ELSE upper(substring(event_type from 8)) END AS st FROM audit_event WHERE request_id IS NOT NULL AND event_type IN
          ('action.submitted','action.approved','action.rejected','action.expired','action.cancelled','action.executed','action.execution_failed'))"
retry_state=$([ "$retry_ok" == true ] && echo true || echo false)
check "unanswered submissions answered 201 on retry" true "$retry_state"
check "acknowledged submissions missing" 0 "$(sql $DB "SELECT count(*) FROM faults_acked k LEFT JOIN action_request a ON a.id = k.id::uuid WHERE a.id IS NULL")"
check "acknowledged cancels not CANCELLED" 0 "$(sql $DB "SELECT count(*) FROM faults_cancelled k JOIN action_request a ON a.id = k.id::uuid WHERE a.status <> 'CANCELLED'")"
check "acknowledged outcomes not recorded" 0 "$(sql $DB "SELECT count(*) FROM faults_outcome k JOIN action_request a ON a.id = k.id::uuid WHERE a.status <> k.extra")"
# The load redeems as faults-executor (mapped by bench-lib.sh): a run that redeemed nothing did not
# test redemption at all (it once did not: every redeem was refused 403 as an unmapped executor).
check "redemptions acknowledged (the redeem path ran)" true "$([ "$(grep -c '^R ' "$JOURNAL")" -gt 0 ] && echo true || echo false)"
check "acknowledged redemptions not redeemed" 0 "$(sql $DB "SELECT count(*) FROM faults_redeemed k LEFT JOIN release_token t ON t.jti = k.id WHERE t.redeemed_at IS NULL")"
check "requests with two terminal states in their history" 0 "$(sql $DB "$HISTORY SELECT count(*) FROM (SELECT request_id FROM h WHERE st IN ($TERMINAL) GROUP BY request_id HAVING count(*) > 1) x")"
check "requests whose history does not end in their status" 0 "$(sql $DB "$HISTORY, last AS (SELECT DISTINCT ON (request_id) request_id, st FROM h ORDER BY request_id, id DESC)
      SELECT count(*) FROM action_request a LEFT JOIN last l ON l.request_id = a.id WHERE l.st IS DISTINCT FROM a.status")"
check "requests without exactly one action.submitted event" 0 "$(sql $DB "SELECT count(*) FROM action_request a WHERE (SELECT count(*) FROM audit_event e WHERE e.request_id = a.id AND e.event_type = 'action.submitted') <> 1")"
check "requests without idempotency record" 0 "$(sql $DB "SELECT count(*) FROM action_request a LEFT JOIN action_idempotency i ON i.request_id = a.id WHERE i.request_id IS NULL")"
check "idempotency records without request" 0 "$(sql $DB "SELECT count(*) FROM action_idempotency i LEFT JOIN action_request a ON a.id = i.request_id WHERE a.id IS NULL")"
check "approvals with more than one live release" 0 "$(sql $DB "SELECT count(*) FROM (SELECT request_id FROM release_token WHERE superseded_at IS NULL GROUP BY request_id HAVING count(*) > 1) x")"
check "approvals redeemed more than once" 0 "$(sql $DB "SELECT count(*) FROM (SELECT request_id FROM release_token WHERE redeemed_at IS NOT NULL GROUP BY request_id HAVING count(*) > 1) x")"
check "releases for requests never approved" 0 "$(sql $DB "SELECT count(*) FROM release_token t JOIN action_request a ON a.id = t.request_id WHERE a.status NOT IN ('APPROVED','EXECUTED','EXECUTION_FAILED')")"
check "releases without exactly one release.issued event" 0 "$(sql $DB "SELECT count(*) FROM release_token t WHERE (SELECT count(*) FROM audit_event e WHERE e.event_type = 'release.issued' AND (e.data::jsonb)->>'jti' = t.jti) <> 1")"
check "redemptions without exactly one release.redeemed event" 0 "$(sql $DB "SELECT count(*) FROM release_token t WHERE t.redeemed_at IS NOT NULL AND (SELECT count(*) FROM audit_event e WHERE e.event_type = 'release.redeemed' AND (e.data::jsonb)->>'jti' = t.jti) <> 1")"
check "audit events left unsequenced" 0 "$(sql $DB "SELECT count(*) FROM audit_event WHERE seq IS NULL")"
check "audit sequence gap-free" true "$(sql $DB "SELECT coalesce(max(seq), 0) = count(*) FROM audit_event" | sed 's/t/true/;s/f/false/')"
AUDITOR=$(token faults-auditor auditor)
verify=$(curl -s "$FAULTS_BASE/api/v1/audit/verify" -H "Authorization: Bearer $AUDITOR")
check "GET /api/v1/audit/verify ok" true "$(echo "$verify" | grep -o '"ok":[a-z]*' | cut -d: -f2)"
curl -sf "$FAULTS_BASE/api/v1/audit/export" -H "Authorization: Bearer $AUDITOR" -o "$WORKDIR/export.jsonl"
curl -sf "$FAULTS_BASE/.well-known/jwks.json" -o "$WORKDIR/jwks.json"
offline=0
java -jar target/quarkus-app/quarkus-run.jar verify-audit "$WORKDIR/export.jsonl" --jwks "$WORKDIR/jwks.json" \
    > "$WORKDIR/verify-audit.out" 2>&1 || offline=$?
tail -2 "$WORKDIR/verify-audit.out"
check "offline verify-audit exit code" 0 "$offline"
OPEN_TASKS="(SELECT count(*) FROM inbox_task t WHERE t.request_id = a.id AND t.state = 'OPEN')"
PENDING_BAD="SELECT count(*) FROM action_request a WHERE a.status = 'PENDING_REVIEW' AND NOT ($OPEN_TASKS = 1
      OR ($OPEN_TASKS = 0 AND EXISTS (SELECT 1 FROM review_process p JOIN engine_timer tm
          ON tm.instance_key = p.process_instance_key WHERE p.request_id = a.id)))"
STALE_TASKS="SELECT count(*) FROM inbox_task t JOIN action_request a ON a.id = t.request_id
      WHERE t.state = 'OPEN' AND a.status <> 'PENDING_REVIEW'"
for i in $(seq 1 180); do
    [ "$(sql $DB "$PENDING_BAD")" == 0 ] && [ "$(sql $DB "$STALE_TASKS")" == 0 ] && break
    sleep 1
done
check "pending requests without exactly one open review task or a scheduled timer" 0 "$(sql $DB "$PENDING_BAD")"
check "open review tasks of requests no longer pending" 0 "$(sql $DB "$STALE_TASKS")"
echo "review: $(sql $DB "SELECT count(*) FROM action_request WHERE status = 'PENDING_REVIEW'") pending requests," \
     "$(sql $DB "SELECT count(*) FROM inbox_task WHERE state = 'OPEN'") open review tasks," \
     "$(sql $DB "SELECT count(*) FROM engine_timer") engine timers, $(sql $DB "SELECT count(*) FROM engine_instance") process instances"
echo "requests by status: $(sql $DB "SELECT status || '=' || count(*) FROM action_request GROUP BY status ORDER BY status" | tr '\n' ' ')"
echo "journal: $(grep -c '^S ' "$JOURNAL") acknowledged submissions, $(grep -c '^L ' "$JOURNAL") unanswered (retried)," \
     "$(grep -c '^C ' "$JOURNAL") cancels, $(grep -c '^O ' "$JOURNAL") outcomes, $(grep -c '^R ' "$JOURNAL") redemptions," \
     "$(awk '$1=="E" && $3>=500' "$JOURNAL" | wc -l) answers >= 500"
echo "audit events: $(sql $DB "SELECT count(*) FROM audit_event"); ERROR log lines: $(grep -c '"level":"ERROR"' "$WORKDIR/app.log" || true)"
machine_line
exit $fail
