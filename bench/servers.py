"""The portal on a production ASGI server, with N worker processes.

- daphne (the project's server) does not fork workers: the suite binds one
  listening socket and hands it to N daphne processes (``--fd``), so the kernel
  spreads connections over them exactly as gunicorn or uvicorn's supervisor do
  with their shared socket. No proxy sits in front (it would cost CPU and
  latency that the other servers do not pay).
- uvicorn with httptools and uvloop (``--workers N``).
- granian (Rust HTTP and WebSocket, Python app; ``--workers N``).

All run ``portal.asgi:application`` (the production ASGI app, HTTP and
WebSocket) with ``DJANGO_SETTINGS_MODULE=bench.settings``; access logs off;
WebSocket compression off where the server has a switch for it.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from bench import procs

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVERS = ("daphne", "uvicorn", "granian")
APP = "portal.asgi:application"


@dataclass
class Portal:
    kind: str
    workers: int
    port: int
    procs: list[subprocess.Popen] = field(default_factory=list)
    log: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """Every process of this server: masters and workers (RSS and CPU are summed over them)."""
        found: list[int] = []
        for proc in self.procs:
            found += [proc.pid, *procs.descendants(proc.pid)]
        return found

    def rss_bytes(self) -> int:
        return sum(procs.rss_bytes(pid) for pid in self.pids())

    def stop(self) -> None:
        for proc in self.procs:
            procs.stop(proc)

    def __enter__(self) -> Portal:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def server_version(kind: str) -> str:
    return version(kind)


def start_portal(*, kind: str, workers: int, env: dict[str, str], logdir: Path, port: int | None = None) -> Portal:
    if kind not in SERVERS:
        raise ValueError(f"unknown server {kind!r}; one of {', '.join(SERVERS)}")
    port = port or procs.free_port()
    log = logdir / f"{kind}-{port}.log"
    portal = Portal(kind=kind, workers=workers, port=port, log=log)
    # Its own origin, for the WebSocket origin check (portal/origins.py).
    env = {"CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}", **env, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    try:
        if kind == "daphne":
            portal.procs = _start_daphne(workers=workers, port=port, env=env, log=log)
        else:
            portal.procs = [procs.start(_command(kind, workers, port), env=env, log=log, cwd=ROOT)]
        _wait_until_serving(portal)
    except BaseException:
        portal.stop()
        raise
    return portal


def _command(kind: str, workers: int, port: int) -> list[str]:
    if kind == "uvicorn":
        return [
            str(BIN / "uvicorn"),
            APP,
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--loop", "uvloop", "--http", "httptools", "--ws", "websockets"),
            *("--ws-per-message-deflate", "false", "--lifespan", "off", "--no-access-log"),
            *("--log-level", "warning"),
        ]
    return [
        str(BIN / "granian"),
        *("--interface", "asginl", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
        *("--loop", "uvloop", "--no-access-log", "--log-level", "warning"),
        APP,
    ]


def _start_daphne(*, workers: int, port: int, env: dict[str, str], log: Path) -> list[subprocess.Popen]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    fd = listener.fileno()
    started = []
    try:
        for _ in range(workers):
            cmd = [str(BIN / "daphne"), "--fd", str(fd), "-v", "0", APP]  # -v 1 writes an access log line per request
            started.append(procs.start(cmd, env=env, log=log, cwd=ROOT, pass_fds=(fd,)))
    finally:
        listener.close()  # the workers hold their own copies
    return started


def _wait_until_serving(portal: Portal, seconds: float = 90) -> None:
    """Until /healthz answers, then a few more requests on fresh connections so
    that every worker has imported the app before anything is measured."""
    deadline = time.monotonic() + seconds
    while True:
        for proc in portal.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{portal.kind} exited with {proc.returncode}; see {portal.log}")
        if _get(portal.port, "/healthz") == 200:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{portal.kind} did not answer /healthz within {seconds:.0f} s; see {portal.log}")
        time.sleep(0.3)
    for _ in range(8 * portal.workers):
        _get(portal.port, "/bench/floor")


def _get(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()
