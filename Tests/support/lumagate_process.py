"""The built `lumagate` binary as a child process, shared by the Python suites (Tests/sdk,
Tests/browser): its own data directory, a free port, tokens made with the real command."""

import os
import pathlib
import socket
import subprocess
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "debug" / "lumagate"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LumagateProcess:
    """`lumagate serve` on `directory`; make tokens first, then `start` it with its flags."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def lumagate(self, *arguments):
        """Runs a `lumagate` command on this data directory; its last line of output."""
        output = subprocess.run([str(BINARY), *arguments, "--data-dir", self.directory],
                                check=True, capture_output=True, text=True).stdout
        return output.strip().splitlines()[-1]

    def create_token(self, name, *flags):
        return self.lumagate("token", "create", "--name", name, *flags)

    def start(self, *flags):
        self.log = open(os.path.join(self.directory, "serve.log"), "w")
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--data-dir", self.directory, "--port", str(self.port), *flags],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("lumagate did not start; see " + self.log.name)

    def stop(self):
        """SIGTERM, as an orchestrator stops it; the gateway's shutdown grace is 10 s."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("lumagate did not stop within 15 s of SIGTERM; its log ends:\n"
                                 + pathlib.Path(self.log.name).read_text()[-4000:])
        finally:
            self.log.close()
