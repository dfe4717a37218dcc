#!/usr/bin/env bash
# The HTTP stack's floor (BareGateway.java beside this script) under the same wrk load as bin/bench-wrk:
#   docs/bench-log/edge/http-floor/run.sh MODE CONNECTIONS [WARMUP_S (120)] [DURATION_S (20)]
# MODE: sync, async, handoff, handoff-direct, handoff-group or handoff-block (BareGateway.java says what each does).
# Starts the bare gateway on port 18180, warms it up in 30 s rounds (rates printed), then prints the
# measured run's WRK_RESULT line and the JVM's CPU seconds during it. Needs target/ built (mvn package).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
mode=$1 connections=$2 warmup=${3:-120} duration=${4:-20}
: > /tmp/bare-gateway.log
java -cp 'target/classes:target/lib/*' docs/bench-log/edge/http-floor/BareGateway.java 18180 "$mode" > /tmp/bare-gateway.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
until grep -q "bare gateway" /tmp/bare-gateway.log; do kill -0 $pid || { cat /tmp/bare-gateway.log; exit 1; }; sleep 0.2; done
load() { EVENT_ID=floor USERS=100000 WAIT_MS=0 wrk -t2 -c"$connections" -d"$1"s --timeout 10s -s bin/bench-wrk.lua http://127.0.0.1:18180; }
rounds=()
for _ in $(seq 1 $((warmup / 30))); do rounds+=("$(load 30 | grep -o '"rps":[0-9.]*' | cut -d: -f2)"); done
echo "# bare $mode ${connections} connections, warm-up rounds: ${rounds[*]} req/s"
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{ printf "%.1f", ($14 + $15) / t }' /proc/$pid/stat; }
before=$(cpu)
load "$duration" | grep WRK_RESULT
echo "# the JVM's CPU during the run: $(awk -v a="$before" -v b="$(cpu)" 'BEGIN { printf "%.1f", b - a }') s"
