"""Run the benchmark suite: ``python -m bench.run [--only floor,signal] [--quick]``.

1. Check that PostgreSQL and Redis answer on 127.0.0.1 (start them as .ci/run
   does when they do not), and that wrk is there (install it from Debian if
   the suite runs as root and it is missing).
2. Create the database ``bench_run_<pid>``, migrate it.
3. Run the chosen rows, their floors first; print one line per figure.
4. Stop every server it started, drop the database, delete its Redis keys.
5. Write bench/out/results.{md,json}; a full run (no --only, no --quick) also
   writes the table into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bench import report, services
from bench.servers import ROOT, SERVERS
from bench.suite import FULL, ORDER, QUICK, REGISTRY, Context, load_all, plan, run_one

DEFAULT_SERVER = "daphne"
OUT = ROOT / "bench" / "out"
DOCS = ROOT / "docs" / "benchmarks.md"


def log(message: str) -> None:
    print(f"# {message}", flush=True)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help=f"comma-separated rows (floors are added): {','.join(ORDER)}")
    parser.add_argument("--quick", action="store_true", help="short runs (a few seconds each), for development")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER), choices=SERVERS)
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the portal (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="connections of the saturating HTTP phases")
    parser.add_argument(
        "--docs", default=None, help="write the table into this file (default: docs/benchmarks.md on a full run)"
    )
    parser.add_argument("--no-docs", action="store_true", help="never write docs/benchmarks.md")
    parser.add_argument("--note", default="", help="a note printed under the table (e.g. 'machine shared')")
    parser.add_argument("--keep-db", action="store_true", help="keep the benchmark database (for debugging)")
    parser.add_argument("--list", action="store_true", help="list the rows and exit")
    return parser.parse_args(argv)


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk (Debian package)")
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True).returncode:
            subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        log("wrk is missing (apt-get install wrk): the HTTP rows will say 'not measured'")


def bench_env(*, database_url: str, redis_url: str, prefix: str, private: Path) -> dict[str, str]:
    """Production settings (DEBUG off, secure defaults) on the benchmark's own database and keys."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_HOST": "localhost",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "CHANNEL_PREFIX": f"{prefix}:",
        "TASKS_IMMEDIATE": "false",
        "PRIVATE_STORAGE_ROOT": str(private),
        # The benchmarks measure the portal, not clamd: scanning is switched off on purpose.
        "UPLOAD_VIRUS_SCAN": "off",
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    os.chdir(ROOT)
    if args.list:
        load_all()
        for row in ORDER:
            print(f"{row:<12} {REGISTRY[row].what}")
        return 0
    rows = plan([r.strip() for r in args.only.split(",") if r.strip()] or None)
    started = time.monotonic()
    load_before = report.load_average()
    ensure_wrk()

    pg_url, redis_url = services.server_urls()
    pg = services.PgTarget.parse(pg_url)
    services.ensure_postgres(pg, log)
    services.ensure_redis(redis_url, log)
    name = f"bench_run_{os.getpid()}"
    OUT.mkdir(parents=True, exist_ok=True)
    private = OUT / name / "private"
    database_url = pg.url(name)
    env = bench_env(database_url=database_url, redis_url=redis_url, prefix=name, private=private)
    os.environ.update(env)

    log(f"database {name}; server {args.server} x {args.workers}; rows: {', '.join(rows)}")
    services.create_database(pg, name, log)
    ctx = None
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        if "pages" in rows:  # production pages need the static manifest (ManifestStaticFilesStorage)
            call_command("collectstatic", interactive=False, verbosity=0)
        ctx = Context(
            timing=QUICK if args.quick else FULL,
            quick=args.quick,
            server=args.server,
            workers=args.workers,
            env=dict(os.environ),
            outdir=OUT / name,
            database_url=database_url,
            redis_url=redis_url,
            connections=args.connections,
            log=log,
        )
        for row in rows:
            log(f"{row}: {REGISTRY[row].what}")
            for figure in run_one(ctx, row):
                print(figure.line(), flush=True)
    except BaseException:
        traceback.print_exc()
        raise
    finally:
        if ctx is not None:
            ctx.close()
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            services.drop_database(pg, name)
            services.delete_redis_keys(redis_url, name)
            shutil.rmtree(private, ignore_errors=True)

    meta = {
        "date": report.now(),
        "seconds": time.monotonic() - started,
        "command": shlex.join([".venv/bin/python", "-m", "bench.run", *argv])
        + (" (through make bench)" if os.environ.get("MAKELEVEL") else ""),
        "quick": args.quick,
        "machine": report.machine(),
        "load_before": load_before,
        "load_after": report.load_average(),
        "versions": report.package_versions(args.server),
        "workers": args.workers,
        "wrk": report.tool_version(["wrk", "--version"]).split(" Copyright")[0],
        "pgbench": report.tool_version(["pgbench", "--version"]),
        "postgres": services.pg_version(pg),
        "redis": services.redis_version(redis_url),
        "note": args.note,
    }
    whats = {row: REGISTRY[row].what for row in rows}
    block = report.results_block(rows=rows, figures=ctx.figures, whats=whats, meta=meta)
    report.write_block(OUT / "results.md", block)
    report.write_json(OUT / "results.json", rows=rows, figures=ctx.figures, meta=meta)
    docs = Path(args.docs) if args.docs else (DOCS if not (args.only or args.quick) else None)
    if docs and not args.no_docs:
        report.write_block(docs, block)
        log(f"table written to {docs.relative_to(ROOT) if docs.is_absolute() else docs}")
    else:
        log(f"table written to {(OUT / 'results.md').relative_to(ROOT)} (a full run also writes docs/benchmarks.md)")
    log(f"done in {meta['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
