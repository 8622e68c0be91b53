#!/usr/bin/env python3
"""Driver of bench/comfyui.sh: one gateway (SQLite) in front of four fake ComfyUI machines.

1. Overhead: TASKS_ONE_BY_ONE tasks (default 20), one at a time, on machines that take EXEC
   seconds (default 2) a prompt. For each: the client's submit to the machine's /prompt, and the
   machine's end of the run to the client seeing `completed` (a held GET), against the run itself.
2. Throughput: TASKS (default 600) submitted by 8 client threads as fast as the gateway takes them,
   on machines that run 32 prompts at once, 0.5 s each. Tasks completed a second, the most in
   flight at the machines, upstream requests per task, and the gateway's RSS.
"""
import concurrent.futures, json, os, statistics, subprocess, sys, tempfile, threading, time, urllib.request
sys.path.insert(0, os.path.dirname(__file__))
from local_servers import free_port, wait_until_up

BIN, VIDEO, OBJECT_INFO = sys.argv[1], sys.argv[2], sys.argv[3]
ONE_BY_ONE = int(os.environ.get("TASKS_ONE_BY_ONE", "20"))
TASKS = int(os.environ.get("TASKS", "600"))
EXEC = os.environ.get("EXEC", "2")
work = tempfile.mkdtemp()
machines = [free_port() for _ in range(4)]
gateway_port = free_port()
base = f"http://127.0.0.1:{gateway_port}"


def start_machines(env):
    procs = [subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "fake_comfyui.py"), str(port), VIDEO, OBJECT_INFO],
                              env={**os.environ, **env}) for port in machines]
    for port in machines:
        wait_until_up(f"http://127.0.0.1:{port}/queue")
    return procs


def stop(procs):
    for proc in procs:
        proc.terminate()
        proc.wait()


def lumagate(*args):
    return subprocess.run([BIN, *args, "--data-dir", work], check=True, capture_output=True, text=True).stdout


def start_gateway():
    proc = subprocess.Popen([BIN, "serve", "--data-dir", work, "--port", str(gateway_port), "--log-level", "warning"],
                            stdout=open(os.path.join(work, "serve.log"), "a"), stderr=subprocess.STDOUT)
    wait_until_up(base + "/healthz")
    return proc


def call(method, path, token, body=None, headers=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=90) as response:
        return json.loads(response.read() or b"null")


def submit(token, prompt):
    return call("POST", "/luma/generations", token, {"user_prompt": prompt, "model_name": "comfyui-smoke", "duration": "1s"})["id"]


def stats():
    out = []
    for port in machines:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as response:
            out.append(json.loads(response.read()))
    return out


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# 1. Overhead, one task at a time. A channel is added once its machine answers (its /object_info is checked).
procs = start_machines({"EXEC": EXEC, "PARALLEL": "1"})
token = lumagate("token", "create", "--name", "bench").strip().splitlines()[-1]
for index, port in enumerate(machines):
    lumagate("channel", "add", "comfyui", "--name", f"gpu{index + 1}", "--base-url", f"http://127.0.0.1:{port}")
gateway = start_gateway()
timeline = []
for n in range(ONE_BY_ONE):
    submitted = time.time()
    task_id = submit(token, f"overhead {n}")
    while True:
        task = call("GET", f"/luma/generations/{task_id}", token, headers={"Prefer": "wait=30"})
        if task["state"] in ("completed", "failed"):
            break
    seen = time.time()
    prompt = next(s["prompts"][task_id] for s in stats() if task_id in s["prompts"])
    timeline.append((prompt["arrived"] - submitted, prompt["ended"] - prompt["started"], seen - prompt["ended"], task["state"]))
gateway.terminate()
gateway.wait()
stop(procs)
to_prompt = [t[0] * 1000 for t in timeline]
run = [t[1] * 1000 for t in timeline]
to_completed = [t[2] * 1000 for t in timeline]
print(f"one at a time ({ONE_BY_ONE} tasks, {EXEC} s runs; all completed: {all(t[3] == 'completed' for t in timeline)}):")
print(f"  submit -> /prompt        median {statistics.median(to_prompt):7.1f} ms   p90 {percentile(to_prompt, 90):7.1f} ms")
print(f"  run at the machine       median {statistics.median(run):7.1f} ms")
print(f"  run's end -> completed   median {statistics.median(to_completed):7.1f} ms   p90 {percentile(to_completed, 90):7.1f} ms")
print(f"  gateway's share          {statistics.median([a + c for a, c in zip(to_prompt, to_completed)]) / statistics.median(run) * 100:.1f} % of the run (median)")

# 2. Throughput across four machines.
procs = start_machines({"EXEC": "0.5", "PARALLEL": "32"})
calls_before = {}
gateway = start_gateway()
peak = [0]
stop_sampling = threading.Event()


def sample():
    while not stop_sampling.is_set():
        in_flight = sum(1 for s in stats() for p in s["prompts"].values() if p["ended"] is None)
        peak[0] = max(peak[0], in_flight)
        time.sleep(0.25)


sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
started = time.time()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    ids = list(pool.map(lambda n: submit(token, f"throughput {n}"), range(TASKS)))
submitted = time.time()
remaining = set(ids)
while remaining:
    batch = list(remaining)[:100]
    for task in call("POST", "/luma/tasks", token, {"ids": batch}):
        if task["state"] in ("completed", "failed"):
            remaining.discard(task["id"])
    time.sleep(0.2)
finished = time.time()
stop_sampling.set()
rss = rss_mib(gateway.pid)
machine_stats = stats()
calls = {}
for s in machine_stats:
    for route, count in s["calls"].items():
        calls[route] = calls.get(route, 0) + count
per_machine = [len(s["prompts"]) for s in machine_stats]
gateway.terminate()
gateway.wait()
stop(procs)
print(f"throughput ({TASKS} tasks, 4 machines x 32 slots, 0.5 s runs):")
print(f"  submitted in {submitted - started:.1f} s ({TASKS / (submitted - started):.0f} a second); all completed after {finished - started:.1f} s")
print(f"  {TASKS / (finished - started):.1f} tasks completed a second; at most {peak[0]} in flight at the machines; per machine {per_machine}")
print(f"  upstream requests per task: " + ", ".join(f"{route} {count / TASKS:.2f}" for route, count in sorted(calls.items()) if route != "/stats"))
print(f"  gateway RSS at the end: {rss:.0f} MiB")
