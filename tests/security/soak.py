"""``make soak``: a bounded mixed load for minutes, then a check of the database.

    python -m tests.security.soak [--minutes 5] [--rate 20] [--citizens 8]

1. Start PostgreSQL, Redis and the portal (daphne, DEBUG off) of its own
   (tests/security/services.py), migrate, seed the demo data, create citizens.
2. Each citizen is one worker of tests/security/load.py: read and change the
   profile, list slots, book the next own slot; ``--rate`` is the stated
   rate in requests per second over all workers (a worker never catches up
   with bursts, so the achieved rate is printed too).
3. Print per endpoint: requests, statuses, p50 and p99 latency.
4. Check: zero 5xx and no dropped connection; every acknowledged booking is
   stored exactly once; no refused booking is stored; no counsellor is
   double-booked; every profile change and booking has its audit event.
   Exit 1 if any check fails.

Part 1 of the security work covers the portal and appointments; applications,
the staff queue and video signalling join this load when they are merged.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tests.security.standalone import log, setup_django

PASSWORD = "Soak-Passphrase-Pfalz-11"


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m tests.security.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second over all workers")
    parser.add_argument("--citizens", type=int, default=8)
    return parser.parse_args(argv)


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(answers) -> list[str]:
    lines = [f"{'endpoint':<8} {'requests':>8} {'2xx':>6} {'4xx':>6} {'5xx':>5} {'p50 ms':>8} {'p99 ms':>8}"]
    for kind in sorted({a.kind for a in answers}):
        mine = [a for a in answers if a.kind == kind]
        times = [a.seconds * 1000 for a in mine]
        ok, client, server = (sum(low <= a.status < low + 100 for a in mine) for low in (200, 400, 500))
        lines.append(
            f"{kind:<8} {len(mine):>8} {ok:>6} {client:>6} {server:>5} "
            f"{percentile(times, 50):>8.1f} {percentile(times, 99):>8.1f}"
        )
    return lines


def database_problems(postgres, citizens) -> list[str]:
    problems = []
    emails = [c.email for c in citizens]
    stored = postgres.query(
        """SELECT a.public_id::text, u.email, a.start,
                  (SELECT count(*) FROM portal_auditevent e
                    WHERE e.action = 'appointment.book' AND e.object_id = a.public_id::text)
           FROM appointments_appointment a JOIN portal_user u ON u.id = a.citizen_id
           WHERE u.email = ANY(%s)""",
        (emails,),
    )
    by_id = {row[0]: row for row in stored}
    for citizen in citizens:
        for public_id in citizen.acked_bookings:
            if public_id not in by_id:
                problems.append(f"acknowledged booking {public_id} of {citizen.email} is lost")
        if len(set(citizen.acked_bookings)) != len(citizen.acked_bookings):
            problems.append(f"{citizen.email} got the same booking acknowledged twice")
        refused = {
            datetime.fromisoformat(s["start"])
            for s in citizen.refused_bookings
            if s["start"] not in citizen.in_doubt_starts
        }
        if refused & {start for _, email, start, _ in stored if email == citizen.email}:
            problems.append(f"a refused booking of {citizen.email} was stored")
    problems += [f"booking {row[0]} has {row[3]} audit events" for row in stored if row[3] != 1]
    overlaps = postgres.query(
        """SELECT count(*) FROM appointments_appointment a JOIN appointments_appointment b
             ON a.counsellor_id = b.counsellor_id AND a.id < b.id
            AND a.status IN ('booked', 'invited') AND b.status IN ('booked', 'invited')
            AND tstzrange(a.blocked_start, a.blocked_end, '[)') && tstzrange(b.blocked_start, b.blocked_end, '[)')"""
    )[0][0]
    if overlaps:
        problems.append(f"{overlaps} double bookings of a counsellor")
    versions = postgres.query(
        """SELECT u.email, u.version, (SELECT count(*) FROM portal_auditevent e
                 WHERE e.action = 'user.update' AND e.object_id = u.public_id::text)
           FROM portal_user u WHERE u.email = ANY(%s)""",
        (emails,),
    )
    acked = {c.email: c.acked_patches for c in citizens}
    for email, version, audited in versions:
        if version - 1 != acked[email] or audited != version - 1:
            problems.append(f"{email}: version {version}, {acked[email]} changes acknowledged, {audited} audited")
    return problems


def main(argv=None) -> int:
    args = parse(argv)
    setup_django()
    from tests.security.load import Citizen, MixedLoad, app_login, bookable_slots, share_slots
    from tests.security.services import Portal, Postgres, Redis, portal_env, postgres_bin, prepare_database

    if postgres_bin() is None:
        print("make soak needs PostgreSQL's server binaries (apt-get install postgresql)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="portal-soak-"))
    postgres, redis, portal = Postgres(postgres_bin()), Redis(), None
    try:
        postgres.init()
        redis.start()
        env = portal_env(database_url=postgres.url, redis_url=redis.url, PRIVATE_STORAGE_ROOT=str(workdir / "private"))
        emails = [f"soak{n}@example.org" for n in range(args.citizens)]
        log("migrating and seeding")
        prepare_database(
            env,
            f"""
from allauth.account.models import EmailAddress
from portal.constants import Role
from portal.models import User
from portal.roles import role_group
for email in {emails!r}:
    user = User.objects.create_user(email, "{PASSWORD}")
    user.groups.add(role_group(Role.CITIZEN))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
""",
        )
        portal = Portal(env=env, log=workdir / "daphne.log").start()
        citizens = [Citizen(email, app_login(portal, email, PASSWORD)) for email in emails]
        appointment_type, slots = bookable_slots(portal, citizens[0].token)
        share_slots(slots, citizens)
        pace = 4 * len(citizens) / args.rate  # 4 requests per round
        log(f"{args.minutes:g} min at {args.rate:g} requests/s ({len(citizens)} citizens, {len(slots)} slots)")
        load = MixedLoad(portal, citizens, appointment_type, pace=pace).start()
        started = time.monotonic()
        time.sleep(args.minutes * 60)
        load.stop()
        elapsed = time.monotonic() - started
        answers = load.answers

        print("\n".join(report(answers)))
        print(f"achieved {len(answers) / elapsed:.1f} requests/s over {elapsed:.0f} s (stated {args.rate:g})")
        problems = [f"{a.kind}: {a.status}" for a in answers if a.status >= 500 or a.status == 0][:20]
        problems += database_problems(postgres, citizens)
        booked = sum(len(c.acked_bookings) for c in citizens)
        print(
            f"bookings acknowledged: {booked}; profile changes acknowledged: {sum(c.acked_patches for c in citizens)}"
        )
        for problem in problems:
            print(f"PROBLEM: {problem}")
        print("soak: OK" if not problems else f"soak: {len(problems)} problems")
        return 1 if problems else 0
    finally:
        if portal is not None:
            portal.stop()
        redis.stop()
        postgres.destroy()


if __name__ == "__main__":
    sys.exit(main())
