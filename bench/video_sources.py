#!/usr/bin/env python3
"""Driver of bench/video-sources.sh: one gateway (SQLite, the sandbox engine).

1. Submit latency: ROUNDS (default 5) video_edit submits of each clip, sent as base64 `data`:
   the client's POST to its 201, which covers the gateway's whole intake of the video.
2. Under load: four clients send 18 s 1080p clips at once, ROUNDS each, while a bystander asks
   /healthz every 20 ms: submits a second, and the bystander's p50 and p99.
"""
import base64, concurrent.futures, json, os, statistics, subprocess, sys, tempfile, threading, time, urllib.request
sys.path.insert(0, os.path.dirname(__file__))
from local_servers import free_port, wait_until_up

BIN = sys.argv[1]
ROUNDS = int(os.environ.get("ROUNDS", "5"))
work = tempfile.mkdtemp()
port = free_port()
base = f"http://127.0.0.1:{port}"


def clip(name, size, seconds, codec):
    path = os.path.join(work, name)
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"testsrc2=s={size}:r=24", "-frames:v", str(seconds * 24), *codec,
                    "-pix_fmt", "yuv420p", path], check=True)
    return base64.b64encode(open(path, "rb").read()).decode()


h264 = ["-c:v", "libx264", "-preset", "veryfast"]
clips = {
    "720p 5 s H.264": clip("a.mp4", "1280x720", 5, h264),
    "1080p 18 s H.264": clip("b.mp4", "1920x1080", 18, h264),
    "720p 5 s VP9 WebM": clip("c.webm", "1280x720", 5, ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"]),
}
token = subprocess.run([BIN, "token", "create", "--name", "bench", "--data-dir", work], check=True, capture_output=True,
                       text=True).stdout.strip().splitlines()[-1]
tokens = [subprocess.run([BIN, "token", "create", "--name", f"load{n}", "--data-dir", work], check=True, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1] for n in range(4)]
gateway = subprocess.Popen([BIN, "serve", "--data-dir", work, "--port", str(port), "--log-level", "warning"],
                           stdout=open(os.path.join(work, "serve.log"), "a"), stderr=subprocess.STDOUT)
wait_until_up(base + "/healthz")


def submit(token, data, media_type):
    body = json.dumps({"model": "ray-3.2", "type": "video_edit", "prompt": "bench",
                       "source": {"data": data, "media_type": media_type}, "video": {"resolution": "360p"}}).encode()
    request = urllib.request.Request(base + "/agents/v1/generations", method="POST", data=body,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 201
    return time.perf_counter() - started


try:
    print(f"{'source':<20} {'MiB':>6} {'submit p50 ms':>14} {'max ms':>8}")
    for name, data in clips.items():
        media_type = "video/webm" if "WebM" in name else "video/mp4"
        times = [submit(token, data, media_type) * 1000 for _ in range(ROUNDS)]
        print(f"{name:<20} {len(data) * 3 / 4 / 2**20:>6.1f} {statistics.median(times):>14.0f} {max(times):>8.0f}")

    stop = threading.Event()
    bystander = []

    def ask():
        while not stop.is_set():
            started = time.perf_counter()
            urllib.request.urlopen(base + "/healthz", timeout=30).read()
            bystander.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)

    watcher = threading.Thread(target=ask)
    watcher.start()
    big = clips["1080p 18 s H.264"]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: submit(tokens[n % 4], big, "video/mp4"), range(4 * ROUNDS)))
    elapsed = time.perf_counter() - started
    stop.set()
    watcher.join()
    bystander.sort()
    rss = next(int(line.split()[1]) for line in open(f"/proc/{gateway.pid}/status") if line.startswith("VmRSS:")) / 1024
    print(f"4 clients × {ROUNDS} 1080p 18 s sources: {4 * ROUNDS / elapsed:.2f} submits/s; "
          f"/healthz meanwhile p50 {statistics.median(bystander):.1f} ms, p99 {bystander[int(len(bystander) * 0.99)]:.1f} ms; RSS {rss:.0f} MiB")
finally:
    gateway.terminate()
    gateway.wait()
