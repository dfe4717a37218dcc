#!/usr/bin/env bash
# A CPU profile of a warm `dev` under bin/bench-wrk's load, with Linux perf (the kernel's share, the
# context switches, included; JFR at this rate cost more than a third of the throughput):
#   flock /tmp/mvn.lock docs/bench-log/edge/perf-profile.sh OUT_DIR [USERS (3000)] [CONNECTIONS (64)] [WARMUP_S (120)] [CAP (100; 100000000: the open phase)]
# Then: perf report -i OUT_DIR/perf.data --no-children --sort comm|dso|sym --stdio -g none
# Needs target/ built (mvn package) and perf; the JIT's symbols come from `jcmd PID Compiler.perfmap`.
set -u
cd "$(dirname "$0")/../../.."
out=$1 users=${2:-3000} connections=${3:-64} warmup=${4:-120} cap=${5:-100}
mkdir -p "$out"
work=$(mktemp -d /tmp/perf-profile.XXXXXX)
export COUPON_ADMIN_TOKEN=bench-$RANDOM$RANDOM COUPON_RECORD_KEYS=bench=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export COUPON_GATEWAY_CLIENT_RATE=0 COUPON_INSTANCE_SECRET=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export COUPON_BROKER_DIR=$work/kafka COUPON_STATE_DIR=$work/streams COUPON_BROKER_PORT=19092 COUPON_BROKER_CONTROLLER_PORT=19093
export COUPON_HTTP_PORT=18080 COUPON_ISSUER_HTTP_PORT=18081 COUPON_WRITER_HTTP_PORT=18082 KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092
url=http://127.0.0.1:18080
java -jar target/coupon-issuer.jar dev > "$work/system.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
until grep -q 'coupon-issuer dev is running' "$work/system.log"; do kill -0 $pid || { tail -50 "$work/system.log"; exit 1; }; sleep 0.5; done
define() { curl -s -o /dev/null -X POST $url/api/events -H "Authorization: Bearer $COUPON_ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d "{\"eventId\":\"$1\",\"cap\":$cap}"; }
load() { EVENT_ID=$1 USERS=$users WAIT_MS=5000 wrk -t2 -c"$connections" -d"$2"s --timeout 10s -s bin/bench-wrk.lua $url 2>&1 | grep -o 'WRK_RESULT.*'; }
for round in $(seq 1 $((warmup / 30))); do define warm$round; load warm$round 30 | grep -o '"rps":[0-9.]*'; done
define measured
# 20 s of samples in the middle of a 30 s run, then the JIT's symbol map for perf report.
(sleep 3; perf record -F 499 -g -p $pid -o "$out/perf.data" -- sleep 20 > "$out/perf.log" 2>&1; jcmd $pid Compiler.perfmap > /dev/null) &
profiler=$!
load measured 30
wait $profiler # not the system, which runs until the trap stops it
