"""HTTP load: ``wrk`` for throughput and latency, a small stdlib client for
flows and bursts.

wrk (C, one epoll thread, keep-alive, HdrHistogram latencies) drives the
server with a fraction of a core, which matters on a 2-core machine where the
load generator shares the CPU with the server it measures. bench/wrk/bench.lua
feeds it per-request methods, paths, bodies and headers (session tokens) and
counts statuses. Correctness bursts (64 bookings at once) and multi-step flows
(create, fill, upload, submit) need each answer, so they use ``Client`` below:
threads with ``http.client``, a barrier to start together.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.figures import NotMeasured
from bench.procs import CpuMeter

LUA = Path(__file__).resolve().parent / "wrk" / "bench.lua"


@dataclass(frozen=True)
class Request:
    method: str = "GET"
    path: str = "/"
    body: str | None = None  # compact JSON: no tabs or newlines
    headers: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        parts = [self.method, self.path, self.body if self.body is not None else "-"]
        parts += [f"{name}: {value}" for name, value in self.headers.items()]
        for part in parts:
            if "\t" in part or "\n" in part:
                raise ValueError(f"a wrk request line cannot hold tabs or newlines: {part[:40]!r}")
        return "\t".join(parts)

    @classmethod
    def json(cls, method: str, path: str, data: object, headers: dict[str, str] | None = None) -> Request:
        body = json.dumps(data, separators=(",", ":"))
        return cls(method, path, body, {"Content-Type": "application/json", **(headers or {})})


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    statuses: dict[int, int]
    load_cores: float  # CPU used by wrk itself (1.0 = one core)
    server_cores: float  # CPU used by the server's processes

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def count(self, *statuses: int) -> int:
        return sum(self.statuses.get(s, 0) for s in statuses)

    @property
    def failed(self) -> int:
        """Socket errors and timeouts (non-2xx answers are in ``errors['status']``)."""
        return sum(v for k, v in self.errors.items() if k != "status")


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if not path:
        raise NotMeasured("wrk is missing (apt-get install wrk)")
    return path


def wrk(
    base_url: str,
    *,
    requests: Iterable[Request] | None = None,
    path: str = "/bench/floor",
    connections: int,
    seconds: float,
    threads: int = 1,
    tally: bool = False,
    server_pids: list[int] | None = None,
    timeout: float = 10,
) -> WrkResult:
    """One wrk run (whole seconds: wrk takes no fractions). Without ``requests``
    every request is ``GET path``."""
    threads = max(1, min(threads, connections))
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        env = {**os.environ, "BENCH_WRK_OUT": f"{tmp}/out.json", "BENCH_WRK_THREADS": str(threads)}
        if requests is not None:
            lines = [r.line() for r in requests]
            if not lines:
                raise ValueError("no requests to send")
            Path(f"{tmp}/requests.tsv").write_text("\n".join(lines) + "\n")
            env["BENCH_WRK_REQUESTS"] = f"{tmp}/requests.tsv"
        if tally:
            env["BENCH_WRK_TALLY"] = "1"
        cmd = [
            wrk_binary(),
            *("-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s"),
            *("--timeout", f"{timeout:g}s", "-s", str(LUA)),
            base_url.rstrip("/") + path,
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with CpuMeter(server_pids or []) as server:
            run = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if run.returncode != 0 or not Path(f"{tmp}/out.json").exists():
            raise RuntimeError(f"wrk failed ({run.returncode}): {run.stderr.strip() or run.stdout.strip()}")
        data = json.loads(Path(f"{tmp}/out.json").read_text())
    wrk_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lat = data["latency_us"]
    seconds_run = data["duration_us"] / 1e6
    return WrkResult(
        requests=data["requests"],
        seconds=seconds_run,
        p50_ms=lat["p50"] / 1000,
        p90_ms=lat["p90"] / 1000,
        p99_ms=lat["p99"] / 1000,
        max_ms=lat["max"] / 1000,
        errors=data["errors"],
        statuses={int(k): v for k, v in data["statuses"].items()},
        load_cores=wrk_cpu / seconds_run if seconds_run else 0.0,
        server_cores=server.cores,
    )


@dataclass
class HttpFigures:
    """Latency at one connection (service time, nothing queued) and throughput
    at ``connections`` (the server saturated)."""

    latency: WrkResult
    load: WrkResult

    @property
    def p50_ms(self) -> float:
        return self.latency.p50_ms

    @property
    def p99_ms(self) -> float:
        return self.latency.p99_ms

    @property
    def rps(self) -> float:
        return self.load.rps


def measure_http(
    base_url: str,
    *,
    timing,
    requests: list[Request] | None = None,
    path: str = "/bench/floor",
    connections: int = 16,
    server_pids: list[int] | None = None,
) -> HttpFigures:
    """Warm up, then the latency phase (1 connection) and the load phase
    (``connections``). Both count only what they see after the warm-up."""
    common = {"requests": requests, "path": path, "server_pids": server_pids, "tally": True}
    wrk(base_url, connections=connections, seconds=timing.warmup, **common)
    settle(server_pids)
    latency = wrk(base_url, connections=1, seconds=timing.measure, **common)
    load = wrk(base_url, connections=connections, seconds=timing.measure, **common)
    settle(server_pids)
    return HttpFigures(latency=latency, load=load)


def settle(server_pids: list[int] | None, *, idle_cores: float = 0.15, limit: float = 60) -> float:
    """Wait until the server has worked off what a saturating phase left queued.

    When wrk stops, the requests it had in flight are still being answered (a
    server does not cancel a running view when the client goes): for requests
    that take 100 ms and more, 16 connections leave seconds of work behind,
    which the next phase would otherwise count as its own latency. Returns the
    seconds waited."""
    if not server_pids:
        return 0.0
    started = time.monotonic()
    while time.monotonic() - started < limit:
        with CpuMeter(server_pids) as meter:
            time.sleep(0.2)
        if meter.cores < idle_cores:
            break
    return time.monotonic() - started


# --- the stdlib client: flows and bursts ---------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)

    def json(self):
        return json.loads(self.body) if self.body else None


class Client:
    """A keep-alive HTTP/1.1 connection with default headers (e.g. a session token)."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None, timeout: float = 30):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Host": self.host, "Accept": "application/json", **(headers or {})}
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def connect(self) -> None:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.connect()

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: object = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        self.connect()
        all_headers = {**self.headers, **(headers or {})}
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=all_headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        elapsed = time.perf_counter() - start
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Answer(response.status, data, elapsed, dict(response.getheaders()))

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def fire_together(calls: list[Callable[[Client], Answer]], *, base_url: str, headers: list[dict[str, str]]) -> list:
    """Run ``calls[i](client_i)`` in one thread each, all released at the same
    moment (connections are open before the barrier). Returns each call's
    ``Answer`` or the exception it raised, in order."""
    if len(headers) != len(calls):
        raise ValueError("one header set per call")
    clients = [Client(base_url, h) for h in headers]
    for client in clients:
        client.connect()
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i](clients[i])
        except Exception as exc:  # reported to the caller, which decides
            results[i] = exc
        finally:
            clients[i].close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


@dataclass
class LoopResult:
    outcomes: dict[str, int]
    seconds: float
    latencies_ms: list[float]
    errors: list[str]

    def rate(self, outcome: str) -> float:
        return self.outcomes.get(outcome, 0) / self.seconds if self.seconds else 0.0


def closed_loop(
    clients: list[Client], step: Callable[[Client], str], *, seconds: float, stop_on: Iterable[str] = ()
) -> LoopResult:
    """Each client in its own thread calls ``step(client)`` again and again until
    ``seconds`` are up or ``step`` returns an outcome in ``stop_on``. ``step``
    names what happened ("claimed", "empty", "flow"); the result counts the
    names and keeps every step's duration. An exception counts as "error"."""
    stop_on = set(stop_on)
    lock = threading.Lock()
    outcomes: dict[str, int] = {}
    latencies: list[float] = []
    errors: list[str] = []
    for client in clients:
        client.connect()
    barrier = threading.Barrier(len(clients) + 1)
    deadline = 0.0

    def run(client: Client) -> None:
        barrier.wait()
        try:
            while time.monotonic() < deadline:
                start = time.perf_counter()
                try:
                    outcome = step(client)
                except Exception as exc:  # counted, and the client goes on with a new connection
                    outcome = "error"
                    client.close()
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:200])
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
                    latencies.append(elapsed)
                if outcome in stop_on:
                    return
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    barrier.wait()
    for t in threads:
        t.join()
    return LoopResult(outcomes=outcomes, seconds=time.monotonic() - started, latencies_ms=latencies, errors=errors)
