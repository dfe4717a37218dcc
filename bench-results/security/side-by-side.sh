#!/usr/bin/env bash
# Alternates checkouts (by default the commit before issue #21, 6019c51, in /work/wt-before, and
# /work/main; or the work trees given as arguments) with the same bench shapes; prints one line per
# run. Run under the machine's CPU lock:
#   git worktree add /work/wt-before 6019c51 && flock /tmp/mvn.lock bench-results/security/side-by-side.sh
H='--mode http --http-client jetty --events 1 --requests 20000 --users 6000 --repeats 5 --concurrency 64 --timeout 90 --warmup 1'
D='--mode direct --requests 200000 --warmup 1'
trees=("$@")
[ ${#trees[@]} -gt 0 ] || trees=(/work/wt-before /work/main)
for round in 1 2; do
  for tree in "${trees[@]}"; do
    out=/tmp/side-$round-$(basename $tree).json
    (cd $tree && COUPON_BROKER_PORT=19192 COUPON_BROKER_CONTROLLER_PORT=19193 bin/bench-dev "$H" "$D" > $out 2>&1)
    python3 - "$out" "$round" "$tree" <<'PY'
import sys,re,json
text=open(sys.argv[1]).read()
# split into JSON objects
objs=[]; depth=0; start=None
for i,c in enumerate(text):
    if c=='{':
        if depth==0: start=i
        depth+=1
    elif c=='}':
        depth-=1
        if depth==0 and start is not None:
            try: objs.append(json.loads(text[start:i+1]))
            except Exception: pass
for o in objs:
    if 'mode' in o:
        print(sys.argv[2], sys.argv[3].split('/')[-1], o['mode'], 'accepted/s', o['acceptedPerSec'], 'decisions/s', o['decisionsPerSec'],
              'accept p50/p99', o['acceptLatencyMs']['p50'], o['acceptLatencyMs']['p99'],
              'decision p50/p99', o['decisionLatencyMs']['p50'], o['decisionLatencyMs']['p99'], 'exact', o['verdict']['exact'])
PY
  done
done
