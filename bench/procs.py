"""Processes the suite starts, and what /proc says about them (RSS, CPU time)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(cmd: list[str], *, env: dict[str, str], log: Path, **kwargs) -> subprocess.Popen:
    """Start ``cmd`` in its own process group (so it and its workers stop together)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("ab")
    return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM to the group we started, SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (the workers of a pre-forking server)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    result, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        result += kids
        todo += kids
    return result


def rss_bytes(pid: int) -> int:
    """Resident set size (``/proc/<pid>/statm``, second field, in pages)."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class CpuMeter:
    """CPU seconds spent by a set of processes between ``start()`` and ``stop()``."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.wall = 0.0
        self.cpu = 0.0

    def __enter__(self) -> CpuMeter:
        self._cpu0 = sum(cpu_seconds(p) for p in self.pids)
        self._t0 = time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu = sum(cpu_seconds(p) for p in self.pids) - self._cpu0
        self.wall = time.monotonic() - self._t0

    @property
    def cores(self) -> float:
        """Average number of cores busy (1.0 = one core fully used)."""
        return self.cpu / self.wall if self.wall else 0.0
