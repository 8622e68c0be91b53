#!/usr/bin/env python3
"""Drives bench/upstream-economy.sh: TASKS tasks through lumagate to the fake Dream Machine, once
with callbacks and once polling only, and prints upstream requests per task (beyond the submit)
and the delay from upstream completion to lumagate's `completed` (median and p95)."""
import json, os, sqlite3, statistics, subprocess, sys, tempfile, threading, time, urllib.request

from local_servers import free_port, wait_until_up

BIN, FILES = sys.argv[1], sys.argv[2]
TASKS = int(os.environ.get("TASKS", "200"))
SCALE = float(os.environ.get("SCALE", "0.5"))
HERE = os.path.dirname(os.path.abspath(__file__))


def call(method, url, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None, headers=headers)
    return json.loads(urllib.request.urlopen(request, timeout=30).read())


def run(mode):
    data = tempfile.mkdtemp()
    fake_port, port = free_port(), free_port()
    fake = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_dream_machine.py"), str(fake_port), FILES],
                            env={**os.environ, "SCALE": str(SCALE)})
    wait_until_up("http://127.0.0.1:%d/stats" % fake_port)
    token = subprocess.run([BIN, "token", "create", "--name", "bench", "--data-dir", data],
                           capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    # Polling intervals are scaled like generation times, so that the run is short.
    scaled = lambda seconds: str(seconds * SCALE)
    env = {**os.environ, "LUMA_API_KEY": "bench-key", "LUMA_BASE_URL": "http://127.0.0.1:%d/dream-machine/v1" % fake_port}
    server = subprocess.Popen([BIN, "serve", "--data-dir", data, "--port", str(port), "--log-level", "warning",
                               "--upstream-callbacks", mode, "--upstream-first-poll", scaled(35), "--upstream-min-poll", scaled(5),
                               "--upstream-max-poll", scaled(15), "--upstream-safety-poll", scaled(60)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    wait_until_up(base + "/healthz")
    started = time.time()
    ids = []
    threads = [threading.Thread(target=lambda i=i: ids.append(call("POST", base + "/luma/generations", token, {"user_prompt": "bench %d" % i})["id"]))
               for i in range(TASKS)]
    for thread in threads: thread.start()
    for thread in threads: thread.join()
    while True:
        states = [task["state"] for chunk in range(0, len(ids), 100)
                  for task in call("POST", base + "/luma/tasks", token, {"ids": ids[chunk:chunk + 100]})]
        if all(state in ("completed", "failed") for state in states) or time.time() - started > 300:
            break
        time.sleep(0.5)
    elapsed = time.time() - started
    stats = call("GET", "http://127.0.0.1:%d/stats" % fake_port)
    server.terminate(); server.wait()
    fake.terminate(); fake.wait()
    db = sqlite3.connect(os.path.join(data, "lumagate.sqlite"))
    rows = db.execute("SELECT t.upstream_id, e.at FROM tasks t JOIN task_events e ON e.task_id = t.id AND e.to_state = 'completed'").fetchall()
    delays = [at / 1000 - stats[upstream]["completed_at"] for upstream, at in rows if upstream in stats]
    polls = [stats[upstream]["polls"] for upstream, _ in rows if upstream in stats]
    completed = len(rows)
    p95 = statistics.quantiles(delays, n=20)[18] if len(delays) >= 2 else float("nan")
    median = statistics.median(delays) if delays else float("nan")
    label = "callbacks" if mode == "on" else "polling only"
    print("%-13s %4d/%d completed in %5.1f s | upstream requests per task beyond the submit: %.2f (max %d) | "
          "delay upstream-completed -> completed: median %.3f s, p95 %.3f s real; unscaled (/%.2f) median %.2f s, p95 %.2f s"
          % (label, completed, TASKS, elapsed, statistics.mean(polls) if polls else float("nan"), max(polls or [0]),
             median, p95, SCALE, median / SCALE, p95 / SCALE))


print("lumagate upstream economy: %d tasks, generation times 30-120 s (triangular, mode 45 s) scaled by %.2f, %d cores"
      % (TASKS, SCALE, os.cpu_count()))
for mode in ("on", "off"):
    run(mode)
print("targets: callbacks <= 1.2 requests per task and p95 delay < 1 s (real); polling <= 8 requests per task and median delay < 3 s (unscaled)")
