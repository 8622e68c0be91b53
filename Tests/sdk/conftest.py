"""A real lumagate process (the built binary, sandbox engine, its own SQLite file) for the SDK
tests, a local receiver for webhooks, and a check of every response against Luma's OpenAPI."""

import base64
import http.server
import json
import pathlib
import re
import struct
import sys
import tempfile
import threading
import zlib

import jsonschema
import pytest
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from lumagate_process import LumagateProcess  # noqa: E402

OPENAPI = yaml.safe_load((pathlib.Path(__file__).parent / "dream-machine-openapi.yaml").read_text())
PREFIX = "/dream-machine/v1"


class Gateway(LumagateProcess):
    def __init__(self, directory):
        super().__init__(directory)
        self.api = self.base + PREFIX
        self.token = self.create_token("sdk")
        self.other_token = self.create_token("other")
        self.start("--sandbox-queued-seconds", "0.3", "--sandbox-dreaming-seconds", "0.3",
                   "--webhook-allow-hosts", "127.0.0.1")


@pytest.fixture(scope="session")
def gateway():
    with tempfile.TemporaryDirectory() as directory:
        running = Gateway(directory)
        yield running
        running.stop()


class Receiver:
    """Collects the webhook POSTs the gateway makes, in arrival order."""

    def __init__(self):
        self.received = []
        self.raw = []
        self.condition = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.condition:
                    receiver.received.append((self.path, json.loads(body)))
                    receiver.raw.append((self.path, body, dict(self.headers.items())))
                    receiver.condition.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, path, count, timeout=30):
        with self.condition:
            self.condition.wait_for(lambda: len(self.bodies(path)) >= count, timeout)
            return self.bodies(path)

    def bodies(self, path):
        return [body for received_path, body in self.received if received_path == path]

    def wait_for_raw(self, path, count, timeout=30):
        """The bytes and headers of the first `count` POSTs to `path`, as they arrived."""
        with self.condition:
            self.condition.wait_for(lambda: len(self.raw_posts(path)) >= count, timeout)
            return self.raw_posts(path)

    def raw_posts(self, path):
        return [(body, headers) for received_path, body, headers in self.raw if received_path == path]


@pytest.fixture(scope="session")
def receiver():
    running = Receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


def schema_for(method, path, status):
    """The OpenAPI response schema for a call, or None when the document defines no body."""
    path = path[len(PREFIX):]
    if path == "/generations" and method == "post":
        path = "/generations/video"  # the older create route, same contract
    if path == "/generations/camera_motion/list":
        return {"type": "array", "items": {"type": "string"}}
    for template, operations in OPENAPI["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in operations:
            responses = operations[method]["responses"]
            response = responses.get(str(status)) or responses.get("default")
            if response is None or "content" not in response:
                return None
            return response["content"]["application/json"]["schema"]
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")


def validate(method, path, status, body):
    schema = schema_for(method, path, status)
    if schema is None:
        assert body in (b"", None), f"{method} {path} {status} should have no body"
        return
    document = dict(schema, components=OPENAPI["components"])
    jsonschema.Draft202012Validator(document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(
        json.loads(body))


class Validated:
    """Every response through an SDK client, checked against the OpenAPI document."""

    def __init__(self):
        self.checked = 0

    def check(self, response):
        body = response.read()
        validate(response.request.method.lower(), response.request.url.path, response.status_code, body or None)
        self.checked += 1

    async def check_async(self, response):
        body = await response.aread()
        validate(response.request.method.lower(), response.request.url.path, response.status_code, body or None)
        self.checked += 1


@pytest.fixture(scope="session")
def validated():
    return Validated()


def png_data_uri(width=64, height=48):
    """A real PNG (a colour gradient) as a data URI."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 4 % 256, y * 5 % 256, 128))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()
