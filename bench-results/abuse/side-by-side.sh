#!/usr/bin/env bash
# One client's flood against two builds side by side, alternating: for each round and each jar,
# a fresh `coupon-issuer dev` (rate 20/s, burst 40; X-Forwarded-For from 127.0.0.1 trusted), warmed
# with the others' load and a 15 s flood; then the others alone for 20 s, then a 30 s flood with the
# others measured for 20 s inside it. Each jar's directory needs its lib/ (target/lib). Run under the
# Maven lock:
#   flock /tmp/mvn.lock bench-results/abuse/side-by-side.sh /tmp/jars/before /tmp/jars/after
set -uo pipefail
cd "$(dirname "$0")/../.."
here=bench-results/abuse
url=http://127.0.0.1:18180
for round in 1 2; do
  for dir in "$@"; do
    work=$(mktemp -d /tmp/coupon-abuse.XXXXXX)
    COUPON_BROKER_DIR=$work/kafka COUPON_STATE_DIR=$work/streams COUPON_BROKER_PORT=19192 COUPON_BROKER_CONTROLLER_PORT=19193 \
    COUPON_HTTP_PORT=18180 COUPON_ISSUER_HTTP_PORT=18181 COUPON_WRITER_HTTP_PORT=18182 \
    COUPON_GATEWAY_TRUSTED_PROXIES=127.0.0.1 COUPON_GATEWAY_CLIENT_RATE=20 COUPON_ADMIN_TOKEN=abuse-bench \
      COUPON_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/edge_bench java -Xmx1g -jar "$dir/coupon-issuer.jar" dev >"$work/dev.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 240); do grep -q 'coupon-issuer dev is running' "$work/dev.log" && break; sleep 0.5; done
    echo "=== round $round, $dir, $(date -u +%FT%TZ)"
    wrk -t1 -c10 -d10s -s $here/others.lua $url >/dev/null
    wrk -t1 -c100 -d15s -s $here/flood.lua $url >/dev/null
    sleep 2
    echo "--- the others alone"; wrk -t1 -c10 -d20s --latency -s $here/others.lua $url | grep -E '^Requests/sec| 50%| 99%'
    wrk -t1 -c100 -d30s -s $here/flood.lua $url > "$work/flood.txt" &
    flood=$!
    sleep 5
    echo "--- the others during the flood"; wrk -t1 -c10 -d20s --latency -s $here/others.lua $url | grep -E '^Requests/sec| 50%| 99%'
    wait $flood
    echo "--- the flood"; grep -E '^Requests/sec|Non-2xx' "$work/flood.txt"
    kill $pid; wait $pid 2>/dev/null
    rm -rf "$work"
  done
done
