"""raw-claim: the fastest a queue can hand out work on this PostgreSQL, the floor of ``claim``.

pgbench (C, one process, one connection per client) runs a single statement in
a loop: claim the oldest unclaimed row with ``FOR UPDATE SKIP LOCKED``. No
Django, no HTTP: what is left is PostgreSQL's cost of a claim.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.figures import Figure, NotMeasured, ratio
from bench.services import PgTarget
from bench.suite import Context, benchmark

WHAT = "raw SQL claim loop (UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)) on a scratch table, pgbench"
SETUP = """
DROP TABLE IF EXISTS bench_raw_claim;
CREATE TABLE bench_raw_claim (
    id bigserial PRIMARY KEY,
    status text NOT NULL DEFAULT 'submitted',
    submitted_at timestamptz NOT NULL,
    claimed_by integer,
    claimed_at timestamptz
);
INSERT INTO bench_raw_claim (submitted_at)
    SELECT now() - make_interval(secs => n) FROM generate_series(1, %(rows)s) AS n;
CREATE INDEX bench_raw_claim_queue ON bench_raw_claim (submitted_at, id) WHERE status = 'submitted';
VACUUM ANALYZE bench_raw_claim;
"""

CLAIM = """UPDATE bench_raw_claim SET status = 'claimed', claimed_by = :client_id, claimed_at = now()
WHERE id = (SELECT id FROM bench_raw_claim WHERE status = 'submitted'
            ORDER BY submitted_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id;
"""

COUNTS = "SELECT count(*), count(DISTINCT id) FROM bench_raw_claim WHERE status = 'claimed'"


@dataclass
class ClaimRun:
    clients: int
    claims_per_s: float
    claimed: int
    drained: bool


def pgbench_binary() -> str:
    path = shutil.which("pgbench") or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True)), None
    )
    if not path:
        raise NotMeasured("pgbench is missing (apt-get install postgresql-client)")
    return path


def claim_loop(target: PgTarget, *, clients: int, seconds: float, rows: int) -> ClaimRun:
    """Fill the table, run the loop for ``seconds`` with ``clients`` connections, count the claimed rows."""
    import psycopg

    with psycopg.connect(target.url(), autocommit=True) as conn:
        for statement in SETUP.replace("%(rows)s", str(int(rows))).split(";"):
            if statement.strip():
                conn.execute(statement)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix="bench-claim-") as script:
        script.write(CLAIM)
        script.flush()
        cmd = [
            pgbench_binary(),
            *("-n", "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1))),
            *("-T", str(max(1, round(seconds))), "-f", script.name),
        ]
        run = subprocess.run(cmd, env={**os.environ, **target.libpq_env()}, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"pgbench failed: {run.stderr.strip()[-400:]}")
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", run.stdout)
    done = re.search(r"number of transactions actually processed: (\d+)", run.stdout)
    if not tps or not done:
        raise RuntimeError(f"cannot read pgbench's output: {run.stdout[-400:]}")
    with psycopg.connect(target.url(), autocommit=True) as conn:
        claimed, distinct = conn.execute(COUNTS).fetchone()
        conn.execute("DROP TABLE bench_raw_claim")
    if claimed != distinct:
        raise RuntimeError(f"the raw loop claimed {claimed - distinct} rows twice")
    transactions = int(done.group(1))
    # Transactions that found the table empty claimed nothing: count claims, not transactions.
    per_s = float(tps.group(1)) * (claimed / transactions) if transactions else 0.0
    return ClaimRun(clients=clients, claims_per_s=per_s, claimed=claimed, drained=claimed >= rows)


@benchmark("raw-claim", WHAT)
def raw_claim(ctx: Context) -> list[Figure]:
    target = PgTarget.parse(ctx.database_url)
    seconds = ctx.timing.measure
    rows = 50_000 if ctx.quick else 200_000  # more than the loop claims in `seconds`: it must not drain
    claim_loop(target, clients=32, seconds=1, rows=5_000)  # warm-up: connections, caches, plans
    many = claim_loop(target, clients=32, seconds=seconds, rows=rows)
    one = claim_loop(target, clients=1, seconds=seconds, rows=rows)
    ctx.data["raw-claim"] = many
    figures = []
    for run in (many, one):
        note = f"{run.claimed} rows claimed" + ("; THE TABLE DRAINED: raise the row count" if run.drained else "")
        figures.append(
            Figure(
                "raw-claim",
                f"claims/s, {run.clients} connection{'s' if run.clients > 1 else ''}",
                run.claims_per_s,
                "claims/s",
                note=note,
            )
        )
    figures.append(
        Figure(
            "raw-claim",
            "32 / 1 connection",
            ratio(many.claims_per_s, one.claims_per_s),
            "",
            note="how the raw loop scales from 1 to 32 claimers",
        )
    )
    return figures
