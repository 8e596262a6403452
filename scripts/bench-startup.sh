#!/usr/bin/env bash
# Cold start and idle memory of the single binary in embedded mode:
# builds bin/autoevent, starts it on an empty data dir, times until /readyz
# answers 200, waits, then reads the resident memory from /proc.
#   scripts/bench-startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
make -s build
port=18181
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  ./bin/autoevent serve --addr 127.0.0.1:$port --data-dir "$dir" --log-level warn >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.005; done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep "${IDLE_SECONDS:-5}"
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
  echo "run $i: ready in ${ready} ms, idle RSS $((rss / 1024)) MiB"
done
