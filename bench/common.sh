# Shared by the bench scripts that start a gateway and drive it with wrk. The caller sets BIN,
# WORK, PORT, CONNECTIONS and SECONDS_PER_RUN; SERVER holds the running gateway's pid.

start_server() { # database, then serve flags
  local database=$1; shift
  $BIN serve --data-dir "$WORK/data" --database "$database" --port "$PORT" --log-level warning "$@" >>"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.2; done
  echo "the gateway did not start: $(tail -5 "$WORK/serve.log")" >&2; exit 1
}

stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

run() { # wrk arguments; prints "requests/s p50 p99"
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" >"$WORK/wrk.out" 2>"$WORK/wrk.err"
  if [ -s "$WORK/wrk.err" ]; then echo "wrk: $(sort -u "$WORK/wrk.err" | head -3)" >&2; exit 1; fi
  python3 bench/wrk_stats.py "$WORK/wrk.out"
}

# The median of each column of a file of rows of numbers.
median() { python3 -c 'import statistics,sys; rows=[list(map(float,l.split())) for l in open(sys.argv[1])]; print(" ".join(f"{statistics.median(c):.3f}" for c in zip(*rows)))' "$1"; }

# "token id" lines to the file poll-mix.lua reads: one line per token, its ids one after another.
pack_ids() { # lines file, packed file
  python3 - "$1" "$2" <<'PY'
import collections, sys
owned = collections.defaultdict(list)
for line in open(sys.argv[1]):
    token, id = line.split()
    owned[token].append(id)
with open(sys.argv[2], "w") as out:
    for token, ids in owned.items():
        out.write(f"{token} {''.join(ids)}\n")
PY
}
