#!/usr/bin/env python3
"""A stand-in for Luma's Dream Machine API, for bench/upstream-economy.sh (test equipment).

Speaks the official wire format on 127.0.0.1: POST /dream-machine/v1/generations,
GET /dream-machine/v1/generations/{id}, callbacks to callback_url (dreaming, then completed),
and the finished video and thumbnail under /files/ with Range support. Generation times follow
a triangular spread over 30-120 s (mode 45 s), multiplied by SCALE. GET /stats reports, per
generation, how many polls it received and when it completed (epoch seconds).
"""
import json, os, random, sys, threading, time, urllib.request, uuid
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

SCALE = float(os.environ.get("SCALE", "0.5"))
FILES = sys.argv[2]
lock = threading.Lock()
generations = {}  # id -> {"created", "duration", "polls", "prompt"}


def state_of(generation, base, at):
    age = at - generation["created"]
    body = {"id": generation["id"], "generation_type": "video", "failure_reason": None, "assets": None,
            "created_at": "2026-01-01T00:00:00Z", "model": "ray-2"}
    if age < generation["duration"] * 0.1:
        body["state"] = "queued"
    elif age < generation["duration"]:
        body["state"] = "dreaming"
    else:
        body["state"] = "completed"
        body["assets"] = {"video": base + "/files/video.mp4", "image": base + "/files/thumb.jpg"}
    return body


def post_json(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=5).read()
    except Exception:
        pass


def deliver_callbacks(generation, url, base):
    time.sleep(generation["duration"] * 0.1)
    post_json(url, state_of(generation, base, time.time()))
    time.sleep(max(0, generation["created"] + generation["duration"] - time.time()))
    post_json(url, state_of(generation, base, time.time()))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        if not isinstance(body, bytes):
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def base(self):
        return "http://%s:%d" % self.server.server_address

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path != "/dream-machine/v1/generations":
            return self.send(404, {"detail": "Not found"})
        generation = {"id": str(uuid.uuid4()), "created": time.time(), "polls": 0, "prompt": body.get("prompt"),
                      "duration": random.triangular(30, 120, 45) * SCALE}
        with lock:
            generations[generation["id"]] = generation
        if body.get("callback_url"):
            threading.Thread(target=deliver_callbacks, args=(generation, body["callback_url"], self.base()), daemon=True).start()
        self.send(201, state_of(generation, self.base(), time.time()))

    def do_GET(self):
        if self.path == "/stats":
            with lock:
                return self.send(200, {g["id"]: {"polls": g["polls"], "completed_at": g["created"] + g["duration"]}
                                       for g in generations.values()})
        if self.path.startswith("/dream-machine/v1/generations/"):
            with lock:
                generation = generations.get(self.path.rsplit("/", 1)[1])
                if generation:
                    generation["polls"] += 1
            if not generation:
                return self.send(404, {"detail": "Generation not found"})
            return self.send(200, state_of(generation, self.base(), time.time()))
        if self.path.startswith("/files/"):
            data = open(os.path.join(FILES, os.path.basename(self.path)), "rb").read()
            ranged = self.headers.get("Range", "")
            if ranged.startswith("bytes="):
                start, _, end = ranged[6:].partition("-")
                start, end = int(start), min(int(end) if end else len(data) - 1, len(data) - 1)
                return self.send(206, data[start:end + 1], [("Content-Range", "bytes %d-%d/%d" % (start, end, len(data)))])
            return self.send(200, data)
        self.send(404, {"detail": "Not found"})


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
