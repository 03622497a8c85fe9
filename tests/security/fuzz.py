"""``make fuzz``: a long schemathesis run against the portal, as citizen,
counsellor and staff (with the second factor), and the structural layer.

    python -m tests.security.fuzz [--max-examples 200] [--max-time 600] [--role citizen]
                                  [--layer schema|structural|both]

1. Start a database of its own: a throwaway PostgreSQL (like production) when
   its server binaries are installed, else a SQLite file in a temporary folder,
   so the run never touches a database anyone else uses; migrate, seed the demo
   data, create one user per role with a logged-in session.
2. Serve the portal with daphne on a free port (DEBUG off).
3. Run ``st run`` per role: all phases (examples, coverage, fuzzing, stateful
   links), checks not_a_server_error, response_schema_conformance, ignored_auth.
4. Send the structural layer (tests/security/fuzz_structural.py) through raw
   sockets: every case at every operation of the schema and of allauth's
   headless API, chunked as well, as anonymous, citizen, counsellor and staff.
5. Print per role the number of generated requests and the failures, and the
   number of structural requests and of their 5xx answers; exit 1 if any role
   failed or any structural answer was a 5xx.

The bounded run inside ``make test`` is tests/security/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.security.standalone import log, setup_django

ROLES = ("citizen", "counsellor", "staff")
CHECKS = "not_a_server_error,response_schema_conformance,ignored_auth"

_USERS = """
import json
from bench.auth import session_headers
from portal.models import Jobcenter
from tests.factories import UserFactory
jobcenter = Jobcenter.objects.get(slug="kaiserslautern")
users = {
    "citizen": UserFactory(citizen=True, email="fuzz-citizen@example.org"),
    "counsellor": UserFactory(counsellor=True, jobcenter=jobcenter, email="fuzz-counsellor@example.org"),
    "staff": UserFactory(staff=True, jobcenter=jobcenter, email="fuzz-staff@example.org"),
}
print("TOKENS=" + json.dumps({role: session_headers(user)["X-Session-Token"] for role, user in users.items()}))
from tests.applications.factories import ApplicationFactory as DraftFactory
from tests.casework.factories import ApplicationFactory as CaseFactory
draft = DraftFactory(applicant=users["citizen"], jobcenter=jobcenter)
case = CaseFactory(jobcenter=jobcenter)
print("IDS=" + json.dumps({
    "citizen": {"application_id": str(draft.public_id)},
    "staff": {"application_id": str(case.public_id)},
    "counsellor": {},
}))
"""


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.security.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_MAX_EXAMPLES", "100")))
    parser.add_argument("--max-time", type=int, default=0, help="seconds per role (0: no time budget)")
    parser.add_argument("--role", choices=ROLES, action="append", help="only these roles (repeatable)")
    parser.add_argument("--workers", default="2")
    parser.add_argument("--layer", choices=("schema", "structural", "both"), default="both")
    return parser.parse_args(argv)


def generated_count(output: str) -> int | None:
    """The number of test cases (= requests, without the checks' probes) from st's summary."""
    match = re.search(r"Test cases:\s*\n?\s*([\d,]+)\s+generated", output) or re.search(r"([\d,]+)\s+generated", output)
    return int(match.group(1).replace(",", "")) if match else None


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    setup_django()
    from tests.security.services import Portal, Postgres, Redis, portal_env, postgres_bin, prepare_database

    workdir = Path(tempfile.mkdtemp(prefix="portal-fuzz-"))
    postgres = Postgres(postgres_bin()) if postgres_bin() else None
    redis = Redis() if shutil.which("redis-server") else None
    portal = None
    failed = False
    try:
        if postgres is not None:
            log(f"throwaway PostgreSQL on port {postgres.port}")
            database_url = postgres.init().url
        else:
            log("no PostgreSQL server binaries: a SQLite file of its own")
            database_url = f"sqlite:///{workdir / 'fuzz.sqlite3'}"
        redis_url = redis.start().url if redis is not None else ""
        env = portal_env(database_url=database_url, redis_url=redis_url, PRIVATE_STORAGE_ROOT=str(workdir / "private"))
        log("migrating and seeding")
        output = prepare_database(env, _USERS)
        tokens = json.loads(output.split("TOKENS=", 1)[1].splitlines()[0])
        ids = json.loads(output.split("IDS=", 1)[1].splitlines()[0])
        portal = Portal(env=env, log=workdir / "daphne.log").start()
        log(f"portal on http://127.0.0.1:{portal.port}/ (log: {workdir / 'daphne.log'})")

        totals: dict[str, tuple[int | None, int]] = {}
        for role in (args.role or ROLES) if args.layer != "structural" else ():
            command = [
                str(Path(sys.executable).parent / "st"),
                "run",
                f"http://127.0.0.1:{portal.port}/api/v1/schema/",
                "--checks",
                CHECKS,
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                str(args.max_examples),
                "--workers",
                args.workers,
                "--header",
                f"X-Session-Token: {tokens[role]}",
                "--suppress-health-check",
                "all",
                "--no-color",
                "--generation-database",
                "none",
                "--report",
                "junit",
                "--report-dir",
                str(workdir / f"report-{role}"),
            ]
            if args.max_time:
                command += ["--max-time", str(args.max_time)]
            log(f"fuzzing as {role}: {' '.join(command[:3])} ... (--max-examples {args.max_examples})")
            started = time.monotonic()
            # In the temporary folder: st keeps a cache of its own in the working directory.
            result = subprocess.run(
                command, capture_output=True, text=True, cwd=workdir, env={**os.environ, "NO_COLOR": "1"}
            )
            print(result.stdout[-6000:])
            if result.returncode != 0:
                print(result.stderr[-3000:], file=sys.stderr)
                failed = True
            totals[role] = (generated_count(result.stdout), result.returncode)
            log(f"{role}: {time.monotonic() - started:.0f} s")

        print("\nFuzzing summary")
        for role, (count, code) in totals.items():
            print(
                f"  {role:<11} {count if count is not None else '?':>8} requests generated   {'ok' if code == 0 else 'FAILED'}"
            )
        print(f"  {'total':<11} {sum(c or 0 for c, _ in totals.values()):>8} requests generated")
        if args.layer != "schema":
            roles = {"anonymous": ({}, {})} | {
                role: ({"X-Session-Token": tokens[role]}, ids[role]) for role in args.role or ROLES
            }
            report = structural(portal.port, roles)
            print("\nStructural layer")
            print("  " + report.summary().replace("\n", "\n  "))
            failed = failed or report.server_errors > 0
    finally:
        if portal is not None:
            portal.stop()
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.destroy()
    if not failed:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


def structural(port: int, roles: dict):
    """Every structural case, chunked too, at every operation, as every role."""
    import urllib.request

    from tests.security.fuzz_structural import operations, run, socket_transport

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def schema(path: str) -> dict:
        with opener.open(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return json.loads(response.read())

    ops = operations(schema("/api/v1/schema/?format=json")) + operations(schema("/_allauth/openapi.json"))
    log(f"structural layer: {len(ops)} operations, roles {', '.join(roles)}")
    started = time.monotonic()
    report = run(
        socket_transport(port),
        ops,
        roles,
        chunked=True,
        progress=lambda r: log(f"  {r.sent} sent, {r.server_errors} answers of 5xx"),
    )
    log(f"structural layer: {time.monotonic() - started:.0f} s")
    return report


if __name__ == "__main__":
    sys.exit(main())
