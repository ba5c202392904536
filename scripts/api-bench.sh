#!/usr/bin/env bash
# The API's read throughput against a release `cspr serve --demo` on loopback (docs/PERFORMANCE.md).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/cspr}
DIR=$(mktemp -d)
export CSPR_DATA_DIR=$DIR/data CSPR_MAX_REQUESTS_PER_MINUTE=1000000 CSPR_LOG=error
$BIN serve --demo --listen 127.0.0.1:18111 > $DIR/serve.out 2>&1 &
PID=$!
trap 'kill $PID; rm -rf $DIR' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:18111/health/live > /dev/null && break; sleep 1; done
sleep 2
T=$($BIN api-token create --email team@demo.cspr.invalid --label bench | grep '^cspr_pat_')
B=http://127.0.0.1:18111/api/v1
C=$(curl -s "$B/cases?stage=rapid-review&per_page=1" -H "Authorization: Bearer $T" | python3 -c "import json,sys; print(json.load(sys.stdin)['items'][0]['id'])")
for path in /me "/cases?per_page=25" /cases/$C "/cases/$C/timeline?per_page=25"; do
  for c in 1 8; do
    echo "== $path, $c connections"
    wrk -t $(( c < 2 ? 1 : 2 )) -c $c -d 8s --latency -H "Authorization: Bearer $T" "$B$path" | grep -E "Requests/sec|50%|99%|Non-2xx"
  done
done
