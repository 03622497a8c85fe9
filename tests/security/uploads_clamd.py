"""A clamd of the test session's own: a temporary configuration, a signature
database with one hash signature (the EICAR test file), Unix and TCP sockets
on loopback. Starts in about a second; one per session."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require_binary
from tests.security.uploads_corpus import eicar_hdb_line

START_TIMEOUT = 30


@dataclass(frozen=True)
class Clamd:
    unix_socket: Path
    tcp_port: int
    log: Path

    @property
    def unix_address(self) -> str:
        return str(self.unix_socket)

    @property
    def tcp_address(self) -> str:
        return f"tcp://127.0.0.1:{self.tcp_port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(1)
            conn.connect(str(path))
            conn.sendall(b"zPING\0")
            return conn.recv(16).startswith(b"PONG")
    except OSError:
        return False


@contextlib.contextmanager
def running_clamd(root: Path) -> Iterator[Clamd]:
    """clamd in ``root`` until the block ends (stopped by its own process id)."""
    binary = require_binary("clamd", "clamav-daemon")
    database = root / "db"
    database.mkdir()
    (database / "test.hdb").write_text(eicar_hdb_line())
    server = Clamd(unix_socket=root / "clamd.sock", tcp_port=free_port(), log=root / "clamd.log")
    config = root / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {server.unix_socket}",
                f"TCPSocket {server.tcp_port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {database}",
                f"PidFile {root / 'clamd.pid'}",
                f"LogFile {server.log}",
                "StreamMaxLength 20M",
                "SelfCheck 0",
                "",
            ]
        )
    )
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(server.unix_socket):
            if process.poll() is not None or time.monotonic() > deadline:
                log = server.log.read_text() if server.log.exists() else "(no log)"
                pytest.fail(f"clamd did not start:\n{log}", pytrace=False)
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def clamd(tmp_path_factory) -> Iterator[Clamd]:
    with running_clamd(tmp_path_factory.mktemp("clamd")) as server:
        yield server
