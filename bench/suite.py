"""The registry of benchmarks and what they share while the suite runs.

A benchmark is a function ``(ctx: Context) -> list[Figure]`` registered with
``@benchmark(id, what, needs=(...))``. ``needs`` names the rows whose figures
it divides by (its floor); they run first, in the same run, whatever ``--only``
says, because a ratio is only worth something against a floor measured on the
same machine a moment before.
"""

from __future__ import annotations

import importlib.util
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.figures import Figure, NotMeasured, not_measured
from bench.servers import Portal, start_portal


@dataclass(frozen=True)
class Timing:
    warmup: float  # seconds of load before anything is counted
    measure: float  # seconds counted per phase
    rounds: int  # ping-pong round trips counted
    idle_sockets: int  # idle WebSocket connections for the RSS rows


FULL = Timing(warmup=2.0, measure=8.0, rounds=2000, idle_sockets=2000)
QUICK = Timing(warmup=1.0, measure=2.0, rounds=300, idle_sockets=400)


@dataclass
class Benchmark:
    id: str
    what: str
    run: Callable[[Context], list[Figure]]
    needs: tuple[str, ...] = ()


REGISTRY: dict[str, Benchmark] = {}
# The table's order: each floor just before the rows read against it.
ORDER = (
    "floor",
    "servers",
    "slots",
    "slots-scale",
    "book",
    "race",
    "raw-claim",
    "claim",
    "pages",
    "submit",
    "raw-relay",
    "signal",
    "raw-sockets",
    "sockets",
    "check",
)


def benchmark(id: str, what: str, *, needs: tuple[str, ...] = ()):
    def register(func: Callable[[Context], list[Figure]]):
        REGISTRY[id] = Benchmark(id=id, what=what, run=func, needs=needs)
        return func

    return register


def load_all() -> None:
    from bench import rows  # noqa: F401 - registers every row


def plan(only: list[str] | None) -> list[str]:
    """The rows to run, dependencies first, in table order."""
    load_all()
    unknown = [r for r in only or [] if r not in REGISTRY]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(ORDER)}")
    wanted: set[str] = set()

    def add(row: str) -> None:
        if row not in wanted:
            wanted.add(row)
            for dep in REGISTRY[row].needs:
                add(dep)

    for row in only or ORDER:
        add(row)
    return [r for r in ORDER if r in wanted]


def require_feature(module: str, row: str) -> None:
    """Raise ``NotMeasured`` while the feature's module is not in this checkout."""
    if importlib.util.find_spec(module.split(".")[0]) is None or importlib.util.find_spec(module) is None:
        raise NotMeasured(f"feature not merged yet (no {module})")


def adapter_missing(row: str, hook: str) -> NotMeasured:
    return NotMeasured(
        f"feature present, but the {row} adapter bench/rows/{row.replace('-', '_')}.py:{hook}() is a TODO"
    )


@dataclass
class Context:
    timing: Timing
    quick: bool
    server: str
    workers: int
    env: dict[str, str]
    outdir: Path
    database_url: str
    redis_url: str
    connections: int = 16
    log: Callable[[str], None] = print
    figures: dict[str, list[Figure]] = field(default_factory=dict)
    data: dict[str, object] = field(default_factory=dict)  # raw results rows share (e.g. the floor)
    _portal: Portal | None = None
    _started: list[Portal] = field(default_factory=list)

    def portal(self) -> Portal:
        """The portal every HTTP row measures: ``--server`` with ``--workers``, started once."""
        if self._portal is None or any(p.poll() is not None for p in self._portal.procs):
            self._portal = self.start_portal()
        return self._portal

    def start_portal(self, *, server: str | None = None, workers: int | None = None, env: dict | None = None) -> Portal:
        """Another instance (another server, one worker, the in-memory layer...);
        stopped at the end of the suite if the caller does not stop it first."""
        portal = start_portal(
            kind=server or self.server,
            workers=workers or self.workers,
            env={**self.env, **(env or {})},
            logdir=self.outdir / "logs",
        )
        self._started.append(portal)
        return portal

    def value(self, row: str, figure: str) -> float | None:
        for f in self.figures.get(row, []):
            if f.figure == figure:
                return f.value
        return None

    def close(self) -> None:
        for portal in self._started:
            portal.stop()
        self._started.clear()
        self._portal = None


def run_one(ctx: Context, row: str) -> list[Figure]:
    bench = REGISTRY[row]
    started = time.monotonic()
    try:
        figures = bench.run(ctx)
    except NotMeasured as exc:
        figures = [not_measured(row, bench.what, str(exc))]
    except Exception as exc:  # one broken row must not hide the others
        trace = ctx.outdir / "logs" / f"{row}.error"
        trace.parent.mkdir(parents=True, exist_ok=True)
        trace.write_text(traceback.format_exc())
        figures = [not_measured(row, bench.what, f"failed: {type(exc).__name__}: {exc} (see {trace})")]
    for f in figures:
        f.row = row
        f.what = f.what or bench.what
    ctx.figures[row] = figures
    ctx.data.setdefault("seconds", {})[row] = time.monotonic() - started
    return figures
