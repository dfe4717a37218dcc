#!/usr/bin/env bash
# Starts `coupon-issuer dev` on its own ports and data (a trusted proxy: 127.0.0.1, so X-Forwarded-For
# names the client), then for each COUPON_GATEWAY_CLIENT_RATE given (default: 0 and 20) measures the
# other clients alone, then with one client flooding. Run under the Maven lock:
#   flock /tmp/mvn.lock docs/bench-log/abuse/run.sh 20 0
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=docs/bench-log/abuse
jar=target/coupon-issuer.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
rates=("${@:-20 0}")
for rate in ${rates[@]}; do
  work=$(mktemp -d /tmp/coupon-abuse.XXXXXX)
  COUPON_BROKER_DIR=$work/kafka COUPON_STATE_DIR=$work/streams COUPON_BROKER_PORT=19192 COUPON_BROKER_CONTROLLER_PORT=19193 \
  COUPON_HTTP_PORT=18180 COUPON_ISSUER_HTTP_PORT=18181 COUPON_WRITER_HTTP_PORT=18182 \
  COUPON_GATEWAY_TRUSTED_PROXIES=127.0.0.1 COUPON_GATEWAY_CLIENT_RATE=$rate COUPON_ADMIN_TOKEN=abuse-bench \
    COUPON_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/edge_bench java -Xmx1g -jar "$jar" dev >"$work/dev.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do grep -q 'coupon-issuer dev is running' "$work/dev.log" && break; sleep 0.5; done
  grep -q 'coupon-issuer dev is running' "$work/dev.log" || { tail -30 "$work/dev.log"; kill $pid; exit 1; }
  url=http://127.0.0.1:18180
  echo "=== COUPON_GATEWAY_CLIENT_RATE=$rate (burst 40), $(date -u +%FT%TZ)"
  wrk -t1 -c10 -d10s -s $here/others.lua $url >/dev/null   # warm-up
  echo "--- the others alone: wrk -t1 -c10 -d20s --latency -s others.lua"
  wrk -t1 -c10 -d20s --latency -s $here/others.lua $url
  echo "--- the flood: wrk -t1 -c100 -d30s -s flood.lua (started 5 s before the others)"
  wrk -t1 -c100 -d30s -s $here/flood.lua $url > "$work/flood.txt" &
  flood=$!
  sleep 5
  echo "--- the others during the flood: wrk -t1 -c10 -d20s --latency -s others.lua"
  wrk -t1 -c10 -d20s --latency -s $here/others.lua $url
  wait $flood
  cat "$work/flood.txt"
  curl -s -H 'Authorization: Bearer abuse-bench' $url/metrics | grep -E '^coupon_gateway_throttled_total' || true
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$work"
done
