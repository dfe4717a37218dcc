#!/usr/bin/env bash
# The clean-restart comparison of 2026-12-07-class-data-archive.md, as run: ./run.sh LABEL [java options] starts dev
# (the same settings as bin/bench-restart, data in /tmp/cdsx; JAR= another jar), times it to 'is running' and every check ready,
# then stops it with SIGTERM. LOAD=15 adds 15 s of wrk before the stop.
export COUPON_BROKER_DIR=/tmp/cdsx/kafka COUPON_STATE_DIR=/tmp/cdsx/streams
export COUPON_BROKER_PORT=19092 COUPON_BROKER_CONTROLLER_PORT=19093 KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092
export COUPON_HTTP_PORT=18080 COUPON_ISSUER_HTTP_PORT=18081 COUPON_WRITER_HTTP_PORT=18082 COUPON_MANAGEMENT_PORT=18090
export COUPON_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/coupon_cdsx
export COUPON_ADMIN_TOKEN=bench-tok COUPON_GATEWAY_CLIENT_RATE=0
export COUPON_RECORD_KEYS=bench=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
export COUPON_INSTANCE_SECRET=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
label=$1; shift
t0=$(date +%s.%N)
java "$@" -jar ${JAR:-/tmp/cdsx/app/coupon-issuer.jar} dev > /tmp/cdsx/$label.log 2>&1 &
pid=$!
until grep -q 'coupon-issuer dev is running' /tmp/cdsx/$label.log; do kill -0 $pid 2>/dev/null || { tail -5 /tmp/cdsx/$label.log; exit 1; }; sleep 0.05; done
t1=$(date +%s.%N)
until curl -s -m 1 http://127.0.0.1:18090/health/ready | grep -qv '"ready":false'; do sleep 0.05; done
t2=$(date +%s.%N)
b=$(grep -o 'Kafka broker ready on [^ ]* in [0-9]* ms' /tmp/cdsx/$label.log | grep -o '[0-9]* ms')
if [ -n "${LOAD:-}" ]; then
  curl -s -o /dev/null -X POST http://127.0.0.1:18080/api/events -H "Authorization: Bearer bench-tok" -H 'Content-Type: application/json' -d '{"eventId":"open","cap":100000000}'
  EVENT_ID=open USERS=100000000 WAIT_MS=0 wrk -t2 -c64 -d${LOAD}s -s /work/main/bin/bench-wrk.lua http://127.0.0.1:18080 > /dev/null
fi
kill $pid; wait $pid
awk -v l=$label -v a=$t0 -v b=$t1 -v c=$t2 -v k="$b" 'BEGIN { printf "%s: running %.2f s, ready %.2f s, broker %s\n", l, b-a, c-a, k }'
