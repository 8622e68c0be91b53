#!/usr/bin/env python3
"""Drives bench/push.sh: one gateway holding STREAMS token streams (one per token) and HELD held
task GETs (`Prefer: wait=60` on finished tasks, asked again at each 304), first idle, then while
RATE tasks a second go through a fake Dream Machine (each moves pending -> processing ->
completed, so twice RATE state changes a second). Prints the gateway's resident memory and CPU
idle and under load, the delay from each change's commit (its event id) to a stream's receipt,
and the requests per task of a client that waits by stream against one that polls every second.
"""
import asyncio, json, math, os, random, re, statistics, subprocess, sys, tempfile, time, urllib.request

from local_servers import free_port, wait_until_up

BIN, FILES = sys.argv[1], sys.argv[2]
STREAMS = int(os.environ.get("STREAMS", "9500"))
HELD = int(os.environ.get("HELD", "9500"))
RATE = float(os.environ.get("RATE", "250"))
LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
IDLE_SECONDS = float(os.environ.get("IDLE_SECONDS", "10"))
HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "127.0.0.1"


class Gauge:
    """The gateway's resident memory and CPU time, from /proc."""

    def __init__(self, pid):
        self.pid = pid
        self.ticks = os.sysconf("SC_CLK_TCK")

    def rss_mib(self):
        for line in open(f"/proc/{self.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

    def cpu_seconds(self):
        fields = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.ticks

    async def cpu_percent(self, seconds):
        before, started = self.cpu_seconds(), time.monotonic()
        await asyncio.sleep(seconds)
        return 100 * (self.cpu_seconds() - before) / (time.monotonic() - started)


async def request(port, method, path, token, body=None, headers=()):
    """One request on its own connection: (status, headers, body)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", f"Authorization: Bearer {token}", "Connection: close",
            f"Content-Length: {len(data)}"] + [f"{name}: {value}" for name, value in headers]
    if body is not None:
        head.append("Content-Type: application/json")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
    raw = await reader.read()
    writer.close()
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    fields = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines[1:]}
    return int(lines[0].split()[1]), fields, rest


async def bounded(jobs, limit=100):
    semaphore = asyncio.Semaphore(limit)

    async def one(job):
        async with semaphore:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))


class Watchers:
    def __init__(self, port):
        self.port = port
        self.streams_open = 0
        self.held_open = 0
        self.held_answers = 0
        self.stream_connections = 0
        self.latencies = []  # ms from a change's commit to its receipt
        self.first_seen = {}  # task id -> receipt time of its first event
        self.finished_at = {}  # task id -> receipt time of its completed event
        self.recording = False

    async def stream(self, token):
        reader, writer = await asyncio.open_connection(HOST, self.port)
        writer.write(f"GET /luma/stream HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise SystemExit("a stream was refused: " + head.decode(errors="replace"))
        self.streams_open += 1
        self.stream_connections += 1
        pending = b""
        while chunk := await reader.read(65536):
            now = time.time() * 1000
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                if line.startswith(b"id: ") and self.recording:
                    millis, task = line[4:].decode().split("-", 1)
                    self.latencies.append(now - int(millis))
                    self.first_seen.setdefault(task, now)
                elif line.startswith(b"data: ") and self.recording and b'"state":"completed"' in line:
                    task = re.search(rb'"id":"([0-9a-f-]{36})"', line).group(1).decode()
                    self.finished_at.setdefault(task, now)
        self.streams_open -= 1

    async def held(self, token, task, etag):
        reader, writer = await asyncio.open_connection(HOST, self.port)
        self.held_open += 1
        while True:
            writer.write((f"GET /luma/generations/{task} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
                          f"If-None-Match: {etag}\r\nPrefer: wait=60\r\n\r\n").encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length: (\d+)", head)
            if length:
                await reader.readexactly(int(length.group(1)))
            self.held_answers += 1


async def main():
    data = tempfile.mkdtemp()
    fake_port, port = free_port(), free_port()
    fake = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_dream_machine.py"), str(fake_port), FILES],
                            env={**os.environ, "SCALE": os.environ.get("SCALE", "0.02")})
    wait_until_up(f"http://{HOST}:{fake_port}/stats")
    admin = subprocess.run([BIN, "token", "create", "--name", "admin", "--admin", "--data-dir", data],
                           capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    # Without ffmpeg on the PATH, finished videos are not probed: the load is the tasks' changes.
    env = {"PATH": "/nonexistent", "LUMA_API_KEY": "bench-key",
           "LUMA_BASE_URL": f"http://{HOST}:{fake_port}/dream-machine/v1"}
    server = subprocess.Popen(
        [BIN, "serve", "--data-dir", data, "--port", str(port), "--log-level", "error", "--upstream-callbacks", "on",
         "--upstream-first-poll", "30", "--max-connections", str(STREAMS + HELD + 400),
         "--max-watchers", str(STREAMS + HELD + 100), "--max-watchers-per-token", str(HELD + 100),
         "--outbound-allow-hosts", HOST],
        env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(data, "serve.log"), "w"))
    gauge = Gauge(server.pid)
    try:
        wait_until_up(f"http://{HOST}:{port}/healthz")
        rss_start = gauge.rss_mib()

        # A token per stream; one more token owns the finished tasks the held GETs wait on.
        async def new_token(name):
            status, _, body = await request(port, "POST", "/admin/tokens", admin, {"name": name})
            return json.loads(body)["secret"]

        tokens = await bounded([new_token(f"watcher-{index}") for index in range(STREAMS)])
        holder = await new_token("holder")
        _, _, body = await request(port, "POST", "/luma/generations", holder, {"user_prompt": "held on"})
        template = json.loads(body)["id"]
        while json.loads((await request(port, "GET", f"/luma/generations/{template}", holder))[2])["state"] != "completed":
            await asyncio.sleep(0.2)
        ids_file = os.path.join(data, "held-ids")
        subprocess.run([BIN, "task", "seed", "--like", template, "--count", str(HELD), "--ids-file", ids_file, "--data-dir", data],
                       check=True, capture_output=True)
        held_ids = open(ids_file).read().split()
        etags = await bounded([request(port, "GET", f"/luma/generations/{task}", holder) for task in held_ids])

        watchers = Watchers(port)
        running = [asyncio.create_task(watchers.stream(token)) for token in tokens]
        running += [asyncio.create_task(watchers.held(holder, task, answer[1]["etag"])) for task, answer in zip(held_ids, etags)]
        while watchers.streams_open < STREAMS or watchers.held_open < HELD:
            for task in running:
                if task.done() and task.exception():
                    raise task.exception()
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        rss_idle = gauge.rss_mib()
        cpu_idle = await gauge.cpu_percent(IDLE_SECONDS)
        print(f"watching: {STREAMS} token streams and {HELD} held GETs open; RSS {rss_start:.0f} MiB at start, "
              f"{rss_idle:.0f} MiB with them; CPU {cpu_idle:.1f}% of a core over {IDLE_SECONDS:.0f} s idle "
              f"(heartbeats, and held GETs answered 304 at 60 s and asked again: {watchers.held_answers} so far)")

        # The load: RATE submits a second for LOAD_SECONDS, each by a random watcher's token.
        watchers.recording = True
        submitted = {}
        cpu_before, load_started = gauge.cpu_seconds(), time.monotonic()

        # At most 200 submits open at once, so the connections stay under the gateway's limit.
        submitting = asyncio.Semaphore(200)

        async def submit(token, index):
            async with submitting:
                sent = time.time() * 1000
                status, _, body = await request(port, "POST", "/luma/generations", token, {"user_prompt": f"pushed {index}"})
                if status == 200:
                    submitted[json.loads(body)["id"]] = sent

        submits = []
        total = int(RATE * LOAD_SECONDS)
        for index in range(total):
            due = load_started + index / RATE
            await asyncio.sleep(max(0, due - time.monotonic()))
            submits.append(asyncio.create_task(submit(random.choice(tokens), index)))
        await asyncio.gather(*submits)
        submit_seconds = time.monotonic() - load_started
        rss_load = gauge.rss_mib()
        deadline = time.monotonic() + 60
        while len(watchers.finished_at) < len(submitted) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        cpu_load = 100 * (gauge.cpu_seconds() - cpu_before) / (time.monotonic() - load_started)
        rss_end = gauge.rss_mib()

        latencies = sorted(watchers.latencies)
        quantile = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
        durations = [watchers.finished_at[task] - sent for task, sent in submitted.items() if task in watchers.finished_at]
        mean_seconds = statistics.mean(durations) / 1000 if durations else float("nan")
        print(f"load: {len(submitted)} of {total} tasks submitted in {submit_seconds:.1f} s ({len(submitted) / submit_seconds:.0f}/s), "
              f"{len(watchers.finished_at)} seen completed on their token's stream; {len(latencies)} events, "
              f"{len(latencies) / (time.monotonic() - load_started):.0f}/s")
        print(f"delivery, commit to receipt: p50 {quantile(0.5):.1f} ms, p99 {quantile(0.99):.1f} ms, max {latencies[-1]:.1f} ms")
        print(f"gateway under load: RSS {rss_load:.0f} MiB after the submits, {rss_end:.0f} MiB at the end; "
              f"CPU {cpu_load:.0f}% of a core")
        polls = 1 + math.ceil(mean_seconds)
        print(f"economy: a task took {mean_seconds:.1f} s from submit to completed on average; a client polling every second "
              f"sends {polls} requests per task (the submit and a poll a second), one waiting by its token's stream 1 "
              f"(the submit) and holds one connection for all its tasks ({watchers.stream_connections} streams, "
              f"{watchers.stream_connections - STREAMS} reconnects, for {len(submitted)} tasks here)")
        for task in running:
            task.cancel()
    finally:
        server.terminate()
        server.wait()
        fake.terminate()
        fake.wait()


asyncio.run(main())
