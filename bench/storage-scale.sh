#!/usr/bin/env bash
# Query and submit speed on SQLite and on PostgreSQL in one run, first with 10,000 stored tasks,
# then with 1,000,000. Prints requests/s and p50/p99 latency per backend, size and route (medians
# of ROUNDS rounds), and how query latency changed between the smallest and the largest store.
# Target: query latency does not grow with the number of stored tasks.
#
#   bench/storage-scale.sh                                  # both backends, 10k then 1M tasks
#   SIZES="10000 100000" ROUNDS=1 BACKENDS=postgres bench/storage-scale.sh
#
# PostgreSQL comes from scripts/test-postgres (Debian's server on 127.0.0.1, started if down); the
# benchmark uses a fresh database of its own, lumagate_test_bench.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 1000000"}
BACKENDS=${BACKENDS:-"sqlite postgres"}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONNECTIONS=${CONNECTIONS:-32}
SUBMIT_TOKENS=${SUBMIT_TOKENS:-8}
PORT=${PORT:-18090}

command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk" >&2; exit 1; }
swift build -c release --product lumagate >&2
BIN=$PWD/.build/release/lumagate
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

source bench/common.sh

echo "lumagate storage benchmark: sizes $SIZES; $ROUNDS rounds of ${SECONDS_PER_RUN}s per route; $CONNECTIONS connections; $(nproc) cores"
printf '%-9s %9s %-7s %12s %10s %10s\n' backend tasks route "requests/s" "p50 ms" "p99 ms"
: >"$WORK/results"
for backend in $BACKENDS; do
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  case $backend in
    sqlite) database="$WORK/data/lumagate.sqlite" ;;
    postgres) database=$(scripts/test-postgres bench) ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  query_token=$($BIN token create --name query --database "$database" | tail -1)
  submit_tokens=$(for n in $(seq "$SUBMIT_TOKENS"); do $BIN token create --name "submit-$n" --database "$database" | tail -1; done | paste -sd,)

  # One real sandbox task as the template of every stored copy.
  start_server "$database" --sandbox-queued-seconds 0 --sandbox-dreaming-seconds 0
  template=$(curl -sf -X POST "http://127.0.0.1:$PORT/luma/generations" -H "Authorization: Bearer $query_token" \
    -H 'Content-Type: application/json' -d '{"user_prompt": "benchmark template"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  until curl -sf "http://127.0.0.1:$PORT/luma/generations/$template" -H "Authorization: Bearer $query_token" | grep -q '"state":"completed"'; do sleep 0.5; done
  stop_server

  stored=1; : >"$WORK/ids.txt"
  for size in $SIZES; do
    started=$(date +%s)
    $BIN task seed --like "$template" --count $((size - stored)) --ids-file "$WORK/new-ids.txt" --database "$database" >/dev/null
    cat "$WORK/new-ids.txt" >>"$WORK/ids.txt"; stored=$size
    echo "($backend: stored $size tasks in $(( $(date +%s) - started )) s)" >&2
    # Submitted tasks wait in the sandbox's queue instead of rendering: this measures the store.
    start_server "$database" --sandbox-queued-seconds 1000000
    : >"$WORK/query.all"; : >"$WORK/submit.all"
    for _ in $(seq "$ROUNDS"); do
      IDS_FILE="$WORK/ids.txt" TOKEN="$query_token" run -s bench/random-task.lua "http://127.0.0.1:$PORT" >>"$WORK/query.all"
      TOKENS="$submit_tokens" run -s bench/submit.lua "http://127.0.0.1:$PORT" >>"$WORK/submit.all"
    done
    rss=$(ps -o rss= -p "$SERVER" | tr -d ' ')
    stop_server
    for route in query submit; do
      read -r rps p50 p99 < <(median "$WORK/$route.all")
      printf '%-9s %9s %-7s %12.0f %10.3f %10.3f\n' "$backend" "$size" "$route" "$rps" "$p50" "$p99"
      echo "$backend $size $route $rps $p50 $p99" >>"$WORK/results"
    done
    echo "($backend with $size tasks: gateway resident memory $((rss / 1024)) MiB)" >&2
  done
done
python3 - "$WORK/results" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
for backend in dict.fromkeys(r[0] for r in rows):
    query = [r for r in rows if r[0] == backend and r[2] == "query"]
    small, large = min(query, key=lambda r: int(r[1])), max(query, key=lambda r: int(r[1]))
    if small is large: continue
    growth = float(large[4]) / float(small[4])
    print(f"{backend}: query p50 {small[4]} ms at {int(small[1]):,} tasks, {large[4]} ms at {int(large[1]):,} "
          f"(x{growth:.2f}; p99 x{float(large[5]) / float(small[5]):.2f}); "
          f"target (no growth, within x1.5): {'met' if growth <= 1.5 else 'NOT met'}")
PY
