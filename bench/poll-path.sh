#!/usr/bin/env bash
# The poll path against its ceilings, on SQLite and PostgreSQL, at each store size: the task query
# (TOKENS tokens each asking for its own tasks at random, a fifth of them unfinished), the batch
# query (20 ids), /healthz (the framework's ceiling) and nginx serving the same bytes as a task
# query and a batch query as static files (the machine's), while the gateway's poller moves the
# unfinished tasks; then submits from SUBMIT_TOKENS clients. Prints requests/s and p50/p99 per
# route (medians of ROUNDS alternating rounds), each route's ratio to /healthz, how many tasks
# moved during the rounds, submits answered and stored, the time /metrics and the admin totals
# take, the gateway's resident memory idle and after the rounds, and per store how the query's p99
# grew from the smallest size to the largest beside nginx's in the same rounds.
#
#   bench/poll-path.sh                                  # both backends, 10k then 1M tasks
#   SIZES=10000 ROUNDS=3 BACKENDS=sqlite bench/poll-path.sh
#
# Targets (docs/benchmarks.md): query >= 0.8x /healthz on SQLite, 0.6x on PostgreSQL; batch >= 0.5x;
# p99 at 1M <= 2x p99 at 10k; submits >= 1,000/s; /metrics and admin totals <= 10 ms at 1M;
# RSS < 256 MB at 1M.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 1000000"}
BACKENDS=${BACKENDS:-"sqlite postgres"}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONNECTIONS=${CONNECTIONS:-32}
TOKENS=${TOKENS:-4}
SUBMIT_TOKENS=${SUBMIT_TOKENS:-8}
PORT=${PORT:-18100}
NGINX_PORT=${NGINX_PORT:-18101}

for tool in wrk nginx; do
  command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] || { echo "bench needs $tool: apt-get install wrk nginx-light" >&2; exit 1; }
done
# BIN names a binary to measure instead of this checkout's release build.
if [ -z "${BIN:-}" ]; then swift build -c release --product lumagate >&2; BIN=$PWD/.build/release/lumagate; fi
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; [ -f "$WORK/nginx.pid" ] && kill $(cat "$WORK/nginx.pid") 2>/dev/null; rm -rf "$WORK"' EXIT
BASE=http://127.0.0.1:$PORT

source bench/common.sh
rss_mib() { echo $(( $(ps -o rss= -p "$SERVER" | tr -d ' ') / 1024 )); }
# Tasks processing, and all tasks, by the kept counts.
processing() { curl -sf "$BASE/metrics" -H "Authorization: Bearer $admin" | awk -F' ' '/^lumagate_tasks\{state="processing"\}/ {print int($2)}'; }
total_tasks() { curl -sf "$BASE/admin/tasks?limit=1" -H "Authorization: Bearer $admin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
# Median milliseconds of 20 GETs of a path.
timed() { # path token
  for _ in $(seq 20); do curl -sf -o /dev/null -w '%{time_total}\n' "$BASE$1" -H "Authorization: Bearer $2"; done |
    python3 -c 'import statistics,sys; print(f"{statistics.median(float(l) for l in sys.stdin) * 1000:.1f}")'
}

# nginx serves one task query's exact bytes from a file: what the machine does without a store.
start_nginx() { # body file
  mkdir -p "$WORK/nginx/root"
  cp "$1" "$WORK/nginx/root/task.json"
  cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/nginx/root; }
}
CONF
  $(command -v nginx || echo /usr/sbin/nginx) -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$NGINX_PORT/task.json" >/dev/null && return; sleep 0.1; done
}

echo "lumagate poll-path benchmark: sizes $SIZES; $ROUNDS rounds of ${SECONDS_PER_RUN}s per route; $CONNECTIONS connections; $TOKENS tokens; $(nproc) cores"
printf '%-9s %9s %-8s %12s %10s %10s %9s\n' backend tasks route "requests/s" "p50 ms" "p99 ms" "/healthz"
: >"$WORK/results"
for backend in $BACKENDS; do
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  case $backend in
    sqlite) database="$WORK/data/lumagate.sqlite" ;;
    postgres) database=$(scripts/test-postgres bench) ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  admin=$($BIN token create --name admin --admin --database "$database" | tail -1)
  tokens=$(for n in $(seq "$TOKENS"); do $BIN token create --name "poller-$n" --database "$database" | tail -1; done)
  submit_tokens=$(for n in $(seq "$SUBMIT_TOKENS"); do $BIN token create --name "submitter-$n" --database "$database" | tail -1; done | paste -sd,)

  # Per token, one finished sandbox task to copy, and tasks left unfinished in the sandbox's
  # queue: the unfinished fifth of what clients poll.
  start_server "$database" --sandbox-queued-seconds 0 --sandbox-dreaming-seconds 0
  : >"$WORK/templates"
  for token in $tokens; do
    id=$(curl -sf -X POST "$BASE/luma/generations" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d '{"user_prompt": "benchmark template"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    echo "$token $id" >>"$WORK/templates"
  done
  while read -r token id; do
    until curl -sf "$BASE/luma/generations/$id" -H "Authorization: Bearer $token" | grep -q '"state":"completed"'; do sleep 0.3; done
  done <"$WORK/templates"
  read -r first_token first_id <"$WORK/templates"
  curl -sf "$BASE/luma/generations/$first_id" -H "Authorization: Bearer $first_token" >"$WORK/body.json"
  stop_server
  start_nginx "$WORK/body.json"

  stored=0; : >"$WORK/ids"
  for size in $SIZES; do
    started=$(date +%s)
    while read -r token id; do
      $BIN task seed --like "$id" --count $(( (size - stored) * 4 / 5 / TOKENS )) --ids-file "$WORK/new" --database "$database" >/dev/null
      sed "s/^/$token /" "$WORK/new" >>"$WORK/ids"
    done <"$WORK/templates"
    # The unfinished fifth: real submits, which the sandbox holds queued for MOVE_AFTER seconds from
    # their submit and then dreaming for good, so while the rounds run the gateway's poller keeps
    # moving them from pending to processing (each move rewrites the view every process caches).
    # The rounds start when the first of them moves, so the moves run through the rounds.
    count=$(( (size - stored) / 5 / TOKENS * TOKENS ))
    # A little longer than the submits take: about 600 a second on SQLite, 300 on PostgreSQL.
    move_after=$(( count / $([ "$backend" = sqlite ] && echo 600 || echo 300) + 20 ))
    start_server "$database" --sandbox-queued-seconds "$move_after" --sandbox-dreaming-seconds 1000000
    idle=$(rss_mib)
    submits_started=$(date +%s); submitters=""
    for token in $tokens; do
      TOKEN=$token COUNT=$(( count / TOKENS )) python3 - "$BASE" >"$WORK/ids-$token" <<'PY2' &
import concurrent.futures, json, os, sys, urllib.request
token, base = os.environ["TOKEN"], sys.argv[1]
def submit(_):
    request = urllib.request.Request(base + "/luma/generations", data=b'{"user_prompt": "still waiting"}', method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["id"]
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    for id in pool.map(submit, range(int(os.environ["COUNT"]))):
        print(token, id)
PY2
      submitters="$submitters $!"
    done
    wait $submitters
    for token in $tokens; do cat "$WORK/ids-$token" >>"$WORK/ids"; done
    stored=$size
    echo "($backend: stored $size tasks in $(( $(date +%s) - started )) s)" >&2
    # One batch query's exact bytes for nginx too.
    read -r first_token _ <"$WORK/ids"
    batch_ids=$(awk -v token="$first_token" '$1 == token && n < 20 { printf "%s\"%s\"", (n++ ? "," : ""), $2 }' "$WORK/ids")
    curl -sf -X POST "$BASE/luma/tasks" -H "Authorization: Bearer $first_token" -H "Content-Type: application/json" \
      -d "{\"ids\": [$batch_ids]}" >"$WORK/nginx/root/batch.json"
    pack_ids "$WORK/ids" "$WORK/ids.packed"
    # The seeding leaves gigabytes of the store's file for the kernel to write back; done during
    # the rounds, that writeback would be measured as everything's latency (nginx's too).
    sync
    sleep $(( submits_started + move_after - $(date +%s) > 0 ? submits_started + move_after - $(date +%s) : 0 ))
    processing_before=$(processing)
    for route in healthz nginx nginx-batch query batch; do : >"$WORK/$route.all"; done
    for _ in $(seq "$ROUNDS"); do
      run "$BASE/healthz" >>"$WORK/healthz.all"
      run "http://127.0.0.1:$NGINX_PORT/task.json" >>"$WORK/nginx.all"
      run "http://127.0.0.1:$NGINX_PORT/batch.json" >>"$WORK/nginx-batch.all"
      IDS_FILE="$WORK/ids.packed" run -s bench/poll-mix.lua "$BASE" >>"$WORK/query.all"
      IDS_FILE="$WORK/ids.packed" BATCH=20 run -s bench/poll-mix.lua "$BASE" >>"$WORK/batch.all"
    done
    moved=$(( $(processing) - processing_before ))
    metrics_ms=$(timed /metrics "$admin"); totals_ms=$(timed "/admin/tasks?limit=1" "$admin")
    busy=$(rss_mib)
    # Submits: SUBMIT_TOKENS clients, no images; every answered submit must be a stored task.
    before=$(total_tasks)
    TOKENS="$submit_tokens" run -s bench/submit.lua "$BASE" >"$WORK/submit.all"
    answered=$(grep -o '[0-9]* requests in' "$WORK/wrk.out" | cut -d' ' -f1)
    kept=$(( $(total_tasks) - before ))
    stored=$(( stored + kept ))
    stop_server
    read -r health _ < <(median "$WORK/healthz.all")
    for route in healthz nginx nginx-batch query batch submit; do
      read -r rps p50 p99 < <(median "$WORK/$route.all")
      printf '%-9s %9s %-8s %12.0f %10.3f %10.3f %8.2fx\n' "$backend" "$size" "$route" "$rps" "$p50" "$p99" "$(echo "$rps / $health" | bc -l)"
      echo "$backend $size $route $rps $p50 $p99" >>"$WORK/results"
    done
    echo "$backend $size: /metrics ${metrics_ms} ms, admin task list with totals ${totals_ms} ms (medians of 20); resident memory idle ${idle} MiB, after the rounds ${busy} MiB"
    echo "$backend $size: $moved unfinished tasks moved from pending to processing during the rounds; $answered submits answered, $kept tasks stored (the difference: submits in flight when wrk stopped)"
  done
  kill "$(cat "$WORK/nginx.pid")"; rm -f "$WORK/nginx.pid"
done
python3 - "$WORK/results" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
def p99_growth(backend, route):
    """p99 at the largest size over p99 at the smallest, with both rows; None with one size."""
    measured = sorted((r for r in rows if r[0] == backend and r[2] == route), key=lambda r: int(r[1]))
    if len(measured) < 2:
        return None
    small, large = measured[0], measured[-1]
    return small, large, float(large[5]) / float(small[5])
for backend in dict.fromkeys(r[0] for r in rows):
    query, nginx = p99_growth(backend, "query"), p99_growth(backend, "nginx")
    if query:
        small, large, growth = query
        # nginx serves a static file on the same machine at the same moments: its growth is the
        # machine's own (the poller's moves and the store's flushes), not the store's reads.
        print(f"{backend}: query p99 {small[5]} ms at {int(small[1]):,} tasks, {large[5]} ms at {int(large[1]):,} "
              f"(x{growth:.2f}; target x2); nginx's p99 in the same rounds x{nginx[2]:.2f}")
PY
