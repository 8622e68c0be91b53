#!/usr/bin/env python3
"""Driver of bench/dialects.sh: one gateway (SQLite, the sandbox engine with short stages).

1. A waiting create's answer: CREATES AceDataCloud creates without a callback, one at a time,
   and as many relay-format creates with `Prefer: wait=60`: from the task's end (its record's
   `finished_at`) to the client holding the answer, median and p90, in milliseconds.
2. Reads of the tasks made in 1, with wrk (CONNECTIONS connections, SECONDS_PER_RUN s, ROUNDS
   alternating rounds, medians): the relay format's GET (a stored view), PiAPI's GET, an
   AceDataCloud retrieve, and batches of 20 ids in both dialects of POST /luma/tasks, each as
   requests/s, p50 and p99 ms, and its ratio to the relay GET's requests/s.
"""
import json, os, statistics, subprocess, sys, tempfile, time, urllib.request
sys.path.insert(0, os.path.dirname(__file__))
from local_servers import free_port, wait_until_up

BIN = sys.argv[1]
CREATES = int(os.environ.get("CREATES", "20"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
SECONDS_PER_RUN = os.environ.get("SECONDS_PER_RUN", "10")
CONNECTIONS = os.environ.get("CONNECTIONS", "32")
work = tempfile.mkdtemp()
port = free_port()
base = f"http://127.0.0.1:{port}"
token = subprocess.run([BIN, "token", "create", "--name", "bench", "--data-dir", work], check=True, capture_output=True,
                       text=True).stdout.strip().splitlines()[-1]
gateway = subprocess.Popen([BIN, "serve", "--data-dir", work, "--port", str(port), "--log-level", "warning",
                            "--sandbox-queued-seconds", "0.2", "--sandbox-dreaming-seconds", "0.3"],
                           stdout=open(os.path.join(work, "serve.log"), "a"), stderr=subprocess.STDOUT)
wait_until_up(base + "/healthz")


def post(path, body, headers=()):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **dict(headers)})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def finished_at(task_id):
    return post("/luma/tasks", {"action": "retrieve", "id": task_id})["finished_at"]


def summary(delays):
    delays = sorted(delays)
    return f"median {statistics.median(delays):.1f}, p90 {delays[int(len(delays) * 0.9) - 1]:.1f}"


try:
    ace, relay, ids = [], [], []
    for n in range(CREATES):
        answer = post("/luma/videos", {"prompt": f"waiting create {n}"})
        received = time.time()
        assert answer["state"] == "completed", answer
        ace.append((received - finished_at(answer["task_id"])) * 1000)
        ids.append(answer["task_id"])
        made = post("/luma/generations", {"user_prompt": f"held create {n}"}, headers=[("Prefer", "wait=60")])
        received = time.time()
        assert made["state"] == "completed", made
        relay.append((received - finished_at(made["id"])) * 1000)
    print(f"end of the task -> answer of a waiting create, ms ({CREATES} each, one at a time):")
    print(f"  AceDataCloud POST /luma/videos        {summary(ace)}")
    print(f"  relay POST with Prefer: wait=60       {summary(relay)}")

    bearer = ("Authorization", f"Bearer {token}")
    routes = {
        "relay GET /luma/generations/{id}": ("GET", "/luma/generations/{id}", "", 1, bearer),
        "PiAPI GET /api/v1/task/{id}": ("GET", "/api/v1/task/{id}", "", 1, ("x-api-key", token)),
        "AceDataCloud retrieve": ("POST", "/luma/tasks", '{"action": "retrieve", "id": "{id}"}', 1, bearer),
        "AceDataCloud retrieve_batch x20": ("POST", "/luma/tasks", '{"action": "retrieve_batch", "ids": {ids}}', 20, bearer),
        "relay batch x20": ("POST", "/luma/tasks", '{"ids": {ids}}', 20, bearer),
    }
    results = {name: [] for name in routes}
    for _ in range(ROUNDS):
        for name, (method, path, body, batch, (header, value)) in routes.items():
            env = dict(os.environ, IDS=",".join(ids), METHOD=method, PATH_TEMPLATE=path, BODY_TEMPLATE=body, BATCH=str(batch),
                       KEY_HEADER=header, KEY_VALUE=value)
            out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS_PER_RUN}s", "--latency", "-s", "bench/dialect-reads.lua",
                                  base], env=env, capture_output=True, text=True, check=True)
            if out.stderr.strip():
                raise SystemExit(f"{name}: {out.stderr.strip().splitlines()[0]}")
            with open(os.path.join(work, "wrk.out"), "w") as file:
                file.write(out.stdout)
            stats = subprocess.run([sys.executable, "bench/wrk_stats.py", os.path.join(work, "wrk.out")], capture_output=True,
                                   text=True, check=True).stdout.split()
            results[name].append([float(value) for value in stats])
    medians = {name: [statistics.median(column) for column in zip(*rows)] for name, rows in results.items()}
    baseline = medians["relay GET /luma/generations/{id}"][0]
    print(f"reads of {len(ids)} completed tasks, {CONNECTIONS} connections, medians of {ROUNDS} rounds:")
    print(f"  {'route':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x relay GET':>12}")
    for name, (rps, p50, p99) in medians.items():
        print(f"  {name:36} {rps:8.0f} {p50:8.2f} {p99:8.2f} {rps / baseline:12.2f}")
finally:
    gateway.terminate()
    gateway.wait()
