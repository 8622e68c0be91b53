#!/usr/bin/env python3
"""A stand-in for a ComfyUI machine, for bench/comfyui.sh (test equipment).

Speaks server.py's wire format on 127.0.0.1:PORT as the gateway uses it: POST /prompt,
GET /history/{id}, GET /queue, POST /queue {delete}, POST /interrupt, POST /upload/image,
GET /view (a small real MP4), GET /object_info (the object_info a real ComfyUI 0.3.64 answered,
from the test fixtures), and /ws?clientId= (status, execution_start, progress,
execution_success, executing with node null) over a minimal WebSocket. Each prompt runs
EXEC seconds; PARALLEL prompts run at once (a real ComfyUI runs one). GET /stats reports each
prompt's arrival, start and end (epoch seconds), and the requests received by route.

    python3 bench/fake_comfyui.py PORT VIDEO_FILE OBJECT_INFO_FILE
"""
import base64, hashlib, json, os, queue, socket, struct, sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs

PORT, VIDEO, OBJECT_INFO = int(sys.argv[1]), sys.argv[2], sys.argv[3]
EXEC = float(os.environ.get("EXEC", "2"))
PARALLEL = int(os.environ.get("PARALLEL", "1"))
video_bytes = open(VIDEO, "rb").read()
object_info = open(OBJECT_INFO, "rb").read()

lock = threading.Lock()
pending = []  # prompt ids in order
running = set()
history = {}  # id -> entry
prompts = {}  # id -> {"client", "arrived", "started", "ended"}
sockets = {}  # client id -> list of socket-writing queues
calls = {}  # route -> requests received
work = threading.Semaphore(0)


def emit(kind, data, client=None):
    text = json.dumps({"type": kind, "data": data}).encode()
    with lock:
        targets = [q for c, qs in sockets.items() if client is None or c == client for q in qs]
    for q in targets:
        q.put(text)


def emit_queue():
    with lock:
        count = len(pending) + len(running)
    emit("status", {"status": {"exec_info": {"queue_remaining": count}}})


def worker():
    while True:
        work.acquire()
        with lock:
            if not pending:
                continue
            pid = pending.pop(0)
            running.add(pid)
            prompts[pid]["started"] = time.time()
            client = prompts[pid]["client"]
        emit("execution_start", {"prompt_id": pid, "timestamp": int(time.time() * 1000)}, client)
        for step in (1, 2):
            time.sleep(EXEC / 2)
            emit("progress", {"value": step, "max": 2, "prompt_id": pid, "node": "3"}, client)
        with lock:
            running.discard(pid)
            prompts[pid]["ended"] = time.time()
            history[pid] = {
                "prompt": [0, pid, {}, {"client_id": client}, ["4"]],
                "outputs": {"4": {"images": [{"filename": f"{pid}.mp4", "subfolder": "video", "type": "output"}], "animated": [True]}},
                "status": {"status_str": "success", "completed": True, "messages": []}, "meta": {},
            }
        emit("execution_success", {"prompt_id": pid, "timestamp": int(time.time() * 1000)}, client)
        emit_queue()
        emit("executing", {"node": None, "prompt_id": pid}, client)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def count(self, path):
        route = "/" + path.split("/")[1]
        with lock:
            calls[route] = calls.get(route, 0) + 1

    def do_GET(self):
        url = urlparse(self.path)
        self.count(url.path)
        if url.path == "/ws":
            return self.websocket(parse_qs(url.query).get("clientId", ["?"])[0])
        if url.path.startswith("/history/"):
            pid = url.path.split("/")[2]
            with lock:
                entry = history.get(pid)
            return self.reply(200, json.dumps({pid: entry} if entry else {}).encode())
        if url.path == "/queue":
            with lock:
                item = lambda pid: [0, pid, {}, {"client_id": prompts[pid]["client"]}, ["4"]]
                body = {"queue_running": [item(p) for p in running], "queue_pending": [item(p) for p in pending]}
            return self.reply(200, json.dumps(body).encode())
        if url.path == "/object_info":
            return self.reply(200, object_info)
        if url.path == "/view":
            return self.reply(200, video_bytes, "video/mp4")
        if url.path == "/stats":
            with lock:
                return self.reply(200, json.dumps({"prompts": prompts, "calls": calls}).encode())
        self.reply(404)

    def do_POST(self):
        url = urlparse(self.path)
        self.count(url.path)
        data = self.body()
        if url.path == "/prompt":
            body = json.loads(data)
            pid = body.get("prompt_id")
            with lock:
                prompts[pid] = {"client": body.get("client_id"), "arrived": time.time(), "started": None, "ended": None}
                pending.append(pid)
            work.release()
            emit_queue()
            return self.reply(200, json.dumps({"prompt_id": pid, "number": 0, "node_errors": {}}).encode())
        if url.path == "/upload/image":
            return self.reply(200, json.dumps({"name": "start.png", "subfolder": "", "type": "input"}).encode())
        if url.path == "/queue":
            ids = json.loads(data or b"{}").get("delete", [])
            with lock:
                pending[:] = [p for p in pending if p not in ids]
            return self.reply(200)
        if url.path == "/interrupt":
            return self.reply(200)
        self.reply(404)

    def websocket(self, client):
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        outbox = queue.Queue()
        with lock:
            sockets.setdefault(client, []).append(outbox)
        connection = self.connection

        def send(opcode, payload):
            header = bytes([0x80 | opcode])
            n = len(payload)
            header += bytes([n]) if n < 126 else bytes([126]) + struct.pack("!H", n) if n < 65536 else bytes([127]) + struct.pack("!Q", n)
            connection.sendall(header + payload)

        def read_frames():
            # Answers the client's pings; anything else it sends is read and dropped.
            try:
                while True:
                    head = connection.recv(2)
                    if len(head) < 2:
                        break
                    opcode, n = head[0] & 0x0F, head[1] & 0x7F
                    if n == 126:
                        n = struct.unpack("!H", connection.recv(2))[0]
                    elif n == 127:
                        n = struct.unpack("!Q", connection.recv(8))[0]
                    mask = connection.recv(4) if head[1] & 0x80 else b"\0\0\0\0"
                    payload = b""
                    while len(payload) < n:
                        payload += connection.recv(n - len(payload))
                    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                    if opcode == 9:
                        outbox.put(("pong", payload))
                    elif opcode == 8:
                        break
            finally:
                outbox.put(None)

        threading.Thread(target=read_frames, daemon=True).start()
        emit_queue()
        try:
            while True:
                item = outbox.get()
                if item is None:
                    break
                if isinstance(item, tuple):
                    send(10, item[1])
                else:
                    send(1, item)
        except OSError:
            pass
        finally:
            with lock:
                sockets[client].remove(outbox)
            self.close_connection = True


for _ in range(PARALLEL):
    threading.Thread(target=worker, daemon=True).start()
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
