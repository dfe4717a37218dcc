#!/usr/bin/env bash
# The A/B of docs/bench-log/2026-12-06-restart-after-kill.md: the same build with enable.transactional.statestores
# off and on (a -Dtxstores switch that build read; the switch is gone, the setting is on), alternating.
cd "$(dirname "$0")/../../.."
for i in 1 2; do for tx in false true; do
  echo "=== txstores=$tx run $i"
  DEV_JAVA_OPTS="-Dtxstores=$tx" bin/bench-restart --load 60 --rounds 3 2>&1 | grep -v NOTICE
done; done
