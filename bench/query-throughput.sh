#!/usr/bin/env bash
# Task query speed against /healthz on one gateway holding TASKS completed tasks.
# Prints requests/s and p50/p99 latency of both, per round, the medians, and their ratio.
# Target: the task query reaches at least half of /healthz's throughput.
#
#   bench/query-throughput.sh                 # 100,000 tasks, 3 rounds of 10 s each
#   TASKS=10000 ROUNDS=5 SECONDS_PER_RUN=5 bench/query-throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TASKS=${TASKS:-100000}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18080}

command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk" >&2; exit 1; }
swift build -c release --product lumagate >&2
BIN=.build/release/lumagate
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

TOKEN=$($BIN token create --name bench --data-dir "$WORK" | tail -1)
$BIN serve --data-dir "$WORK" --port "$PORT" --log-level warning \
  --sandbox-queued-seconds 0 --sandbox-dreaming-seconds 0 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# One real sandbox task, then TASKS copies of it.
TEMPLATE=$(curl -sf -X POST "http://127.0.0.1:$PORT/luma/generations" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"user_prompt": "benchmark template"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
until curl -sf "http://127.0.0.1:$PORT/luma/generations/$TEMPLATE" -H "Authorization: Bearer $TOKEN" | grep -q '"state":"completed"'; do sleep 0.5; done
$BIN task seed --like "$TEMPLATE" --count "$TASKS" --ids-file "$WORK/ids.txt" --data-dir "$WORK" >&2

run() { # name, then wrk arguments
  local name=$1; shift
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  if [ -s "$WORK/$name.err" ]; then echo "$name: $(sort -u "$WORK/$name.err" | head -3)" >&2; exit 1; fi
  python3 bench/wrk_stats.py "$WORK/$name.out"
}

echo "lumagate query benchmark: $TASKS stored tasks, $ROUNDS rounds of ${SECONDS_PER_RUN}s, $CONNECTIONS connections, $(nproc) cores"
printf '%-6s %-8s %12s %10s %10s\n' round route "requests/s" "p50 ms" "p99 ms"
: >"$WORK/health.all"; : >"$WORK/query.all"
for round in $(seq "$ROUNDS"); do
  read -r rps p50 p99 < <(run health "http://127.0.0.1:$PORT/healthz")
  printf '%-6s %-8s %12s %10s %10s\n' "$round" healthz "$rps" "$p50" "$p99"; echo "$rps $p50 $p99" >>"$WORK/health.all"
  read -r rps p50 p99 < <(IDS_FILE="$WORK/ids.txt" TOKEN="$TOKEN" run query -s bench/random-task.lua "http://127.0.0.1:$PORT")
  printf '%-6s %-8s %12s %10s %10s\n' "$round" query "$rps" "$p50" "$p99"; echo "$rps $p50 $p99" >>"$WORK/query.all"
done
python3 - "$WORK/health.all" "$WORK/query.all" <<'PY'
import statistics, sys
def medians(path):
    rows = [list(map(float, line.split())) for line in open(path)]
    return [statistics.median(column) for column in zip(*rows)]
health, query = medians(sys.argv[1]), medians(sys.argv[2])
print(f"median healthz: {health[0]:.0f} req/s, p50 {health[1]:.3f} ms, p99 {health[2]:.3f} ms")
print(f"median query:   {query[0]:.0f} req/s, p50 {query[1]:.3f} ms, p99 {query[2]:.3f} ms")
ratio = query[0] / health[0]
print(f"query/healthz throughput ratio: {ratio:.2f} (target >= 0.50: {'met' if ratio >= 0.5 else 'NOT met'})")
PY
