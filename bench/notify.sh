#!/usr/bin/env bash
# Reviewer-notification benchmark: the packaged app on PostgreSQL (bench/bench-lib.sh), embedded
# engine, notifications on: group dba's one member has an e-mail address (a minimal SMTP server of
# the driver) and the group's Slack channel is a fake of Slack's Web API (also the driver's), to
# which the member's Slack account is linked. The bench's production schema changes are HIGH risk,
# so Slack may decide up to high here (the default step-up, medium, would offer only "Open").
# bench/NotifyBench.java offers RATE review-path submissions per second for SECONDS (open loop) and measures, from each one's intended send time,
# the review e-mail accepted by the SMTP server and chat.postMessage received; then clicks Approve
# as Slack would while the agent long-polls: click sent -> long-poll APPROVED.
# Targets: task created -> e-mail accepted and Slack post received p99 <= 1 s at 20/s (measured
# from the submission, an upper bound); Slack click -> decision committed and long-poll answered
# p99 <= 300 ms.
# Usage: bench/notify.sh [seconds=60] [rate=20]     (SKIP_BUILD=1 reuses target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/bench-lib.sh
SECONDS_LOAD=${1:-60}
RATE=${2:-20}
DB=countersign_bench_notify
SMTP_PORT=${BENCH_SMTP_PORT:-18025}
SLACK_PORT=${BENCH_SLACK_PORT:-18026}
WORKDIR=$(mktemp -d /tmp/countersign-notify.XXXX)
trap stop_app EXIT INT TERM
export BENCH_EXTRA_PROPS="countersign.notifications.base-url=https://countersign.bench.example
quarkus.mailer.mock=false
quarkus.mailer.host=127.0.0.1
quarkus.mailer.port=$SMTP_PORT
quarkus.mailer.start-tls=DISABLED
countersign.notifications.allow-http-hosts=127.0.0.1
countersign.notifications.digest.threshold=1000000
countersign.notifications.routes.dba.slack-channel=C0BENCH01
countersign.notifications.slack.bot-token=xoxb-bench
countersign.notifications.slack.signing-secret=bench-signing-secret-not-for-production
countersign.notifications.slack.team-id=T0BENCH01
countersign.notifications.slack.decide-max-risk=high
countersign.notifications.slack.api-url=http://127.0.0.1:$SLACK_PORT/api"

launch_fresh $DB
# the one dba member: seen at sign-in with group dba and a verified address, Slack account linked
sql $DB "INSERT INTO inbox_member (user_id, group_name, last_seen) VALUES ('bench-dba-reviewer', 'dba', now());
INSERT INTO person_contact (user_id, email, updated_at) VALUES ('bench-dba-reviewer', 'dba@bench.example', now());
INSERT INTO slack_link (team_id, slack_user_id, user_id, linked_at) VALUES ('T0BENCH01', 'U0BENCH01', 'bench-dba-reviewer', now());" > /dev/null
rc=0
bench_java NotifyBench notify "$BENCH_BASE" "$BENCH_KEY" "$SECONDS_LOAD" "$RATE" "$SMTP_PORT" "$SLACK_PORT" \
    | tee "$WORKDIR/notify.out" || rc=$?
parked=$(sql $DB "SELECT count(*) FROM notification_delivery WHERE status = 'PARKED'")
pending=$(sql $DB "SELECT count(*) FROM action_request WHERE status = 'PENDING_REVIEW'")
echo "after the run: $parked notifications parked, $pending requests still PENDING_REVIEW (expected 0 and 0)"
[ "$parked" == 0 ] && [ "$pending" == 0 ] || rc=1
result_row "notifications, $RATE/s for $SECONDS_LOAD s" "$(grep '^RESULT' "$WORKDIR/notify.out" | cut -c8-); RSS after $(rss_mb) MB"
exit $rc
