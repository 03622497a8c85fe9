"""The table in docs/benchmarks.md: figures, the machine, the versions, the command."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.figures import Figure, format_value

BEGIN = "<!-- bench:results:begin (written by `python -m bench.run`; edit outside these markers) -->"
END = "<!-- bench:results:end -->"


def machine() -> dict[str, str]:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{mem_kib / 1024 / 1024:.0f} GiB",
        "kernel": platform.release(),
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def package_versions(server: str) -> dict[str, str]:
    names = ["Django", "channels", "channels-redis", "daphne", "uvicorn", "granian", "websockets", "psycopg"]
    found = {"Python": platform.python_version()}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "-"
    found["server"] = f"{server} {found.get(server, '?')}"
    return found


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=10)
    except OSError:
        return "-"
    text = (out.stdout + out.stderr).strip().splitlines()
    return text[0] if text else "-"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[str], figures: dict[str, list[Figure]], whats: dict[str, str]) -> str:
    lines = [
        "| id | what | figure | value | ratio | target | met? |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        for i, f in enumerate(figures.get(row, [])):
            what = whats.get(row, f.what) if i == 0 else ""
            if not f.measured:
                lines.append(f"| {row} | {_cell(what)} | - | not measured: {_cell(f.note)} | | | |")
                continue
            value = format_value(f.value, f.unit)
            if f.note:
                value += f" <br><sub>{_cell(f.note)}</sub>"
            ratio = f"{f.ratio:.3g} <sub>÷ {_cell(f.ratio_of)}</sub>" if f.ratio is not None else ""
            target = "; ".join(str(t) for t in f.targets)
            met = {True: "yes", False: "**no**", None: ""}[f.met] if f.targets else ""
            lines.append(f"| {row} | {_cell(what)} | {_cell(f.figure)} | {value} | {ratio} | {target} | {met} |")
    return "\n".join(lines)


def results_block(*, rows, figures, whats, meta: dict) -> str:
    m = meta
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if k != "server")
    return "\n".join(
        [
            BEGIN,
            "",
            f"- **Date:** {m['date']} ({m['seconds']:.0f} s for the whole run)",
            f"- **Command:** `{m['command'].split(' (through')[0]}`"
            + (" (through `make bench`)" if "(through make bench)" in m["command"] else "")
            + (" (quick mode: short runs, rough figures)" if m["quick"] else ""),
            f"- **Machine:** {m['machine']['cores']} cores, {m['machine']['cpu']}, {m['machine']['memory']} RAM, "
            f"Linux {m['machine']['kernel']}; load average {m['load_before']} before, {m['load_after']} after",
            f"- **Server:** {m['versions']['server']} with {m['workers']} worker processes; "
            f"load generator {m['wrk']}; pgbench: {m['pgbench']}",
            f"- **Versions:** {versions}; PostgreSQL {m['postgres']}; Redis {m['redis']}",
            *([f"- **Note:** {m['note']}"] if m.get("note") else []),
            "",
            table(rows, figures, whats),
            "",
            END,
        ]
    )


def write_block(path: Path, block: str) -> None:
    """Replace the results between the markers (or append them) and keep the rest of the document."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    if BEGIN.split(" (")[0] in text and END in text:
        start = text.index(BEGIN.split(" (")[0])
        end = text.index(END) + len(END)
        text = text[:start] + block + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def write_json(path: Path, *, rows, figures, meta) -> None:
    data = {"meta": meta, "figures": [f.as_dict() for row in rows for f in figures.get(row, [])]}
    path.write_text(json.dumps(data, indent=2, default=str))


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
