"""Real servers for the end-to-end tests: daphne processes on free ports
(sharing the test database and Redis) and a loopback coturn."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.test import Client

from tests.factories import login

ROOT = Path(__file__).resolve().parents[2]
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Daphne:
    """``with Daphne(env) as server: server.url``"""

    def __init__(self, extra_env: dict[str, str] | None = None, *, port: int | None = None) -> None:
        self.port = port or free_port()  # a port of its own, or the one of a server it replaces
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "LOG_LEVEL": "WARNING",
            # The server's own origin, for the WebSocket origin check (portal/origins.py).
            "CSRF_TRUSTED_ORIGINS": self.url,
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    def command(self) -> list[str]:
        daphne = str(Path(sys.executable).with_name("daphne"))
        return [daphne, "-b", "127.0.0.1", "-p", str(self.port), "portal.asgi:application"]

    def __enter__(self) -> Daphne:
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with _opener.open(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"{type(self).__name__} did not start:\n{self.output()}")
            time.sleep(0.1)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-5000:]

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop this server (SIGTERM: daphne shuts down; SIGKILL: like a crash)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class Uvicorn(Daphne):
    """The same portal under uvicorn (lifespan on, as in production)."""

    def command(self) -> list[str]:
        uvicorn = str(Path(sys.executable).with_name("uvicorn"))
        return [uvicorn, "--host", "127.0.0.1", "--port", str(self.port), "--lifespan", "on", "portal.asgi:application"]


def session_cookie_for(user) -> str:
    client = Client()
    login(client, type(user).objects.get(pk=user.pk))
    return f"sessionid={client.cookies['sessionid'].value}"


def get_json(url: str, *, cookie: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 - http to 127.0.0.1
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@contextlib.contextmanager
def coturn(turnserver: str, *, secret: str, realm: str = "jobcenter.test"):
    """coturn on loopback with ``use-auth-secret``: no config file, no daemon, temp dirs."""
    port = free_port(socket.SOCK_DGRAM)
    with tempfile.TemporaryDirectory() as tmp:
        args = [
            turnserver,
            "-n",  # no configuration file
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            f"--listening-port={port}",
            "--min-port=49152",
            "--max-port=65535",
            "--use-auth-secret",
            f"--static-auth-secret={secret}",
            f"--realm={realm}",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
            "--no-tcp-relay",
            "--allow-loopback-peers",
            "--no-multicast-peers",
            f"--userdb={tmp}/turndb.sqlite",
            f"--pidfile={tmp}/turnserver.pid",
            "--log-file=stdout",
            "--simple-log",
        ]
        log = open(f"{tmp}/turnserver.log", "wb")  # closed below
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
        try:
            _wait_for_udp_listener(port, process)
            yield f"turn:127.0.0.1:{port}?transport=udp", Path(f"{tmp}/turnserver.log")
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
            log.close()


def _wait_for_udp_listener(port: int, process: subprocess.Popen) -> None:
    """A STUN binding request answered means coturn is up."""
    request = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + os.urandom(12)
    deadline = time.monotonic() + 15
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("turnserver exited")
            s.sendto(request, ("127.0.0.1", port))
            with contextlib.suppress(OSError):
                if s.recv(2048)[:2] == b"\x01\x01":
                    return
        raise RuntimeError("turnserver did not answer")
