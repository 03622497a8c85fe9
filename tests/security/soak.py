"""``make soak``: a bounded mixed load for minutes, then a check of the database.

    python -m tests.security.soak [--minutes 5] [--rate 20] [--citizens 4]
        [--applicants 6] [--staff 3] [--rooms 2]

1. Start PostgreSQL, Redis and the portal (daphne, DEBUG off) of its own
   (tests/security/services.py), migrate, seed the demo data; create citizens
   who book (real login), citizens who apply and staff of the benefits team
   (second-factor sessions, ``bench/auth.py``), and video appointments whose
   rooms are open now, each with its own counsellor and citizen.
2. Run four kinds of worker at once, every request (and every signal round
   trip) taking the next slot of one shared pacer at ``--rate`` per second:
   - citizens who book (tests/security/load.py): profile, slots, booking;
   - citizens who apply, staff who claim and decide (tests/security/soak_cases.py);
   - counsellors and citizens in video rooms exchanging signals over real
     WebSockets (tests/security/soak_video.py).
   The pacer never catches up with a slow phase, so the achieved rate is printed too.
3. Print per endpoint: requests, 2xx/4xx/5xx, failed (no answer, a dropped
   connection or an unanswered signal), p50 and p99 latency.
4. Check against the database: zero 5xx and nothing failed; every
   acknowledged booking stored once, no refused one stored, no counsellor
   double-booked, every profile change and booking audited once; every
   acknowledged submission stored once with its snapshot (checksum, the
   uploaded PDF), no refused one submitted, repeated submits answered the
   same; no application claimed twice or worked by two staff members; every
   acknowledged decision stored once with one history row and one audit
   event; every WebSocket connection recorded once and closed, no signal
   unanswered. Exit 1 if any check fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tests.security.standalone import log, setup_django

PASSWORD = "Soak-Passphrase-Pfalz-11"
BOOKING_ENDPOINTS = {"me": "GET /me/", "patch": "PATCH /me/", "slots": "GET /slots/", "book": "POST /appointments/"}

# Run inside ``manage.py shell`` on the soak's database (after migrate and
# seed_demo): the users and video appointments, and their session tokens.
_SEED = """
import json
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.test.utils import override_settings
from django.utils import timezone
from bench.auth import session_headers
from portal.constants import Role, TeamKind
from portal.models import Jobcenter, User
from portal.roles import role_group
from tests.factories import UserFactory
from tests.video.factories import AppointmentTypeFactory, VideoAppointmentFactory

def token(user):
    return session_headers(user)["X-Session-Token"]

for email in {bookers!r}:
    user = User.objects.create_user(email, "{password}")
    user.groups.add(role_group(Role.CITIZEN))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
jobcenter = Jobcenter.objects.get(slug="kaiserslautern")
benefits = jobcenter.teams.get(kind=TeamKind.BENEFITS)
out = {{"jobcenter": str(jobcenter.public_id), "applicants": [], "staff": [], "video": []}}
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    for n in range({applicants}):
        user = UserFactory(citizen=True, email=f"soak-applicant{{n}}@example.org")
        out["applicants"].append([user.email, token(user)])
    for n in range({staff}):
        user = UserFactory(staff=True, jobcenter=jobcenter, email=f"soak-staff{{n}}@example.org", teams=[benefits])
        out["staff"].append([user.email, token(user)])
    kind = AppointmentTypeFactory(jobcenter=jobcenter, slug="soak-video", name="Soak Videoberatung")
    start = timezone.now() + timedelta(minutes=2)
    for n in range({rooms}):
        counsellor = UserFactory(counsellor=True, jobcenter=jobcenter, email=f"soak-counsellor{{n}}@example.org")
        citizen = UserFactory(citizen=True, email=f"soak-video{{n}}@example.org")
        appointment = VideoAppointmentFactory(
            counsellor=counsellor, citizen=citizen, appointment_type=kind,
            start=start, end=start + timedelta(minutes={room_minutes}),
        )
        out["video"].append([str(appointment.public_id), token(counsellor), token(citizen)])
print("SOAK=" + json.dumps(out))
"""


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m tests.security.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests (and signal round trips) per second")
    parser.add_argument("--citizens", type=int, default=4, help="citizens who book")
    parser.add_argument("--applicants", type=int, default=6, help="citizens who apply")
    parser.add_argument("--staff", type=int, default=3, help="staff who claim and decide")
    parser.add_argument("--rooms", type=int, default=2, help="video rooms (a counsellor and a citizen each)")
    return parser.parse_args(argv)


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(answers) -> list[str]:
    """One line per endpoint; ``failed``: no HTTP answer, a socket without its welcome, an unanswered signal."""
    endpoint = {a.kind: BOOKING_ENDPOINTS.get(a.kind, a.kind) for a in answers}
    width = max([len("endpoint"), *(len(e) for e in endpoint.values())])
    lines = [
        f"{'endpoint':<{width}} {'requests':>8} {'2xx':>6} {'4xx':>5} {'5xx':>5} {'failed':>6} {'p50 ms':>8} {'p99 ms':>8}"
    ]
    for name in sorted(set(endpoint.values())):
        mine = [a for a in answers if endpoint[a.kind] == name]
        times = [a.seconds * 1000 for a in mine]
        ok, client, server = (sum(low <= a.status < low + 100 for a in mine) for low in (200, 400, 500))
        failed = sum(a.status == 0 for a in mine)
        lines.append(
            f"{name:<{width}} {len(mine):>8} {ok:>6} {client:>5} {server:>5} {failed:>6} "
            f"{percentile(times, 50):>8.1f} {percentile(times, 99):>8.1f}"
        )
    return lines


def booking_problems(postgres, citizens) -> list[str]:
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


def submission_problems(postgres, applicants) -> list[str]:
    """Every acknowledged submission stored once, with its snapshot; no refused one submitted."""
    from applications.snapshot import checksum

    problems = []
    rows = postgres.query(
        """SELECT a.public_id::text, u.email, a.status, a.reference, a.snapshot, a.snapshot_sha256,
                  (SELECT count(*) FROM applications_statuschange s
                    WHERE s.application_id = a.id AND s.to_status = 'submitted')
           FROM applications_application a JOIN portal_user u ON u.id = a.applicant_id
           WHERE u.email = ANY(%s)""",
        ([a.email for a in applicants],),
    )
    stored = {row[0]: row for row in rows}
    for who in applicants:
        problems += who.problems
        for app, acked in who.submitted.items():
            row = stored.get(app)
            if row is None:
                problems.append(f"acknowledged submission {app} of {who.email} is lost")
                continue
            _, _, status, reference, snapshot, sha256, submits = row
            if submits != 1:
                problems.append(f"submission {app} has {submits} history rows 'submitted'")
            if status in ("draft", "lodged") or snapshot is None:
                problems.append(f"acknowledged submission {app} is {status} without a snapshot")
                continue
            if reference != acked["reference"] or sha256 != acked["snapshot_sha256"] or checksum(snapshot) != sha256:
                problems.append(f"submission {app}: the stored snapshot is not the acknowledged one")
            documents = [d.get("sha256") for d in snapshot.get("documents", [])]
            if documents != [who.uploaded_sha256.get(app)]:
                problems.append(f"submission {app}: snapshot documents {documents}, uploaded one PDF")
        for app in who.refused:
            if app in stored and stored[app][6]:
                problems.append(f"a refused submission {app} of {who.email} was stored")
        mine = {row[0] for row in rows if row[1] == who.email and row[6]}
        for app in mine - set(who.submitted) - set(who.in_doubt):
            problems.append(f"application {app} of {who.email} is submitted but was never acknowledged")
    return problems


def casework_problems(postgres, caseworkers, applicants) -> list[str]:
    """No application claimed twice or worked by two staff; every decision stored once."""
    problems = []
    claimed_by: dict[str, list[str]] = {}
    for who in caseworkers:
        for app in who.claimed:
            claimed_by.setdefault(app, []).append(who.email)
    problems += [f"claim-next gave {app} to {len(by)} claims: {by}" for app, by in claimed_by.items() if len(by) > 1]
    rows = postgres.query(
        """SELECT a.public_id::text, a.status, assignee.email,
                  (SELECT array_agg(actor.email ORDER BY e.id) FROM portal_auditevent e
                     JOIN portal_user actor ON actor.id = e.actor_id
                    WHERE e.action = 'application.claim' AND e.object_id = a.public_id::text),
                  (SELECT array_agg(DISTINCT actor.email) FROM applications_statuschange s
                     JOIN portal_user actor ON actor.id = s.actor_id
                    WHERE s.application_id = a.id AND actor.id <> a.applicant_id),
                  (SELECT count(*) FROM applications_statuschange s
                    WHERE s.application_id = a.id AND s.to_status IN ('approved', 'rejected')),
                  d.public_id::text, d.outcome,
                  (SELECT count(*) FROM portal_auditevent e
                    WHERE e.action = 'application.decide' AND e.object_id = a.public_id::text)
           FROM applications_application a JOIN portal_user u ON u.id = a.applicant_id
           LEFT JOIN portal_user assignee ON assignee.id = a.assigned_to_id
           LEFT JOIN casework_decision d ON d.application_id = a.id
           WHERE u.email = ANY(%s)""",
        ([a.email for a in applicants],),
    )
    stored = {row[0]: row for row in rows}
    acked = {app: (who.email, decision) for who in caseworkers for app, decision in who.decided.items()}
    in_doubt = {app for who in caseworkers for app in who.in_doubt}
    for app, status, assignee, claims, workers, decided_rows, decision_id, outcome, decide_events in rows:
        claims = claims or []
        if len(claims) > 1:
            problems.append(f"application {app} was claimed {len(claims)} times: {claims}")
        if claims and assignee != claims[0]:
            problems.append(f"application {app} claimed by {claims[0]} but assigned to {assignee}")
        if workers and (len(workers) > 1 or workers[0] != assignee):
            problems.append(f"application {app} was worked by {workers}, assigned to {assignee}")
        if app in claimed_by and claims[:1] != claimed_by[app][:1]:
            problems.append(f"claim-next gave {app} to {claimed_by[app]}, the history says {claims}")
        if decision_id is None:
            if decided_rows or decide_events:
                problems.append(f"application {app}: {decided_rows} decisions in the history, none stored")
            if app in acked:
                problems.append(f"acknowledged decision on {app} is lost")
            continue
        if decided_rows != 1 or decide_events != 1 or status != outcome:
            problems.append(
                f"decision on {app}: {decided_rows} history rows, {decide_events} audit events, status {status}"
            )
        if app in acked:
            if acked[app][1]["id"] != decision_id or acked[app][1]["outcome"] != outcome:
                problems.append(f"decision on {app}: stored {decision_id} {outcome}, acknowledged {acked[app][1]}")
        elif app not in in_doubt:
            problems.append(f"decision {decision_id} on {app} was stored but never acknowledged")
    for who in applicants:
        for app, outcome in who.decisions_seen.items():
            if app in stored and stored[app][7] != outcome:
                problems.append(f"{who.email} read the decision on {app} as {outcome}, stored {stored[app][7]}")
    return problems


def video_problems(postgres, pairs) -> list[str]:
    """Every connection recorded once (``Participation``) and closed; nothing dropped or unanswered."""
    problems = []
    for pair in pairs:
        problems += [f"room {pair.appointment}: {p}" for p in pair.problems]
        if pair.unanswered:
            problems.append(f"room {pair.appointment}: {pair.unanswered} signals unanswered")
    deadline = time.monotonic() + 10  # the server writes left_at when it sees the close
    while True:
        rows = postgres.query(
            """SELECT a.public_id::text, count(p.id), count(p.id) FILTER (WHERE p.left_at IS NULL)
               FROM appointments_appointment a LEFT JOIN video_participation p ON p.appointment_id = a.id
               WHERE a.public_id::text = ANY(%s) GROUP BY a.public_id""",
            ([p.appointment for p in pairs],),
        )
        if all(row[2] == 0 for row in rows) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    counted = {row[0]: row for row in rows}
    for pair in pairs:
        _, joined, open_ = counted.get(pair.appointment, (None, 0, 0))
        if joined != pair.connections or open_:
            problems.append(
                f"room {pair.appointment}: {pair.connections} connections welcomed, "
                f"{joined} participations stored, {open_} never left"
            )
    return problems


def seed(env, args, bookers: list[str]) -> dict:
    from tests.security.services import prepare_database

    script = _SEED.format(
        bookers=bookers,
        password=PASSWORD,
        applicants=args.applicants,
        staff=args.staff,
        rooms=args.rooms,
        room_minutes=int(args.minutes) + 60,
    )
    output = prepare_database(env, script)
    return json.loads(output.split("SOAK=", 1)[1].splitlines()[0])


def main(argv=None) -> int:
    args = parse(argv)
    setup_django()
    from tests.security.load import Citizen, MixedLoad, Pacer, app_login, bookable_slots, share_slots
    from tests.security.services import Portal, Postgres, Redis, portal_env, postgres_bin
    from tests.security.soak_cases import Applicant, ApplicationLoad, Caseworker, Traffic
    from tests.security.soak_video import VideoLoad, VideoPair

    if postgres_bin() is None:
        print("make soak needs PostgreSQL's server binaries (apt-get install postgresql)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="portal-soak-"))
    postgres, redis, portal = Postgres(postgres_bin()), Redis(), None
    loads = []
    try:
        postgres.init()
        redis.start()
        env = portal_env(database_url=postgres.url, redis_url=redis.url, PRIVATE_STORAGE_ROOT=str(workdir / "private"))
        log("migrating and seeding")
        bookers = [f"soak{n}@example.org" for n in range(args.citizens)]
        seeded = seed(env, args, bookers)
        portal = Portal(env=env, log=workdir / "daphne.log").start()
        citizens = [Citizen(email, app_login(portal, email, PASSWORD)) for email in bookers]
        applicants = [Applicant(email, token) for email, token in seeded["applicants"]]
        caseworkers = [Caseworker(email, token) for email, token in seeded["staff"]]
        pairs = [VideoPair(room, counsellor, citizen) for room, counsellor, citizen in seeded["video"]]
        appointment_type, slots = bookable_slots(portal, citizens[0].token)
        share_slots(slots, citizens)
        log(
            f"{args.minutes:g} min at {args.rate:g} requests/s: {len(citizens)} citizens booking ({len(slots)} slots), "
            f"{len(applicants)} applying, {len(caseworkers)} staff, {len(pairs)} video rooms"
        )
        pacer = Pacer(args.rate)
        traffic = Traffic(portal, pacer)
        bookings = MixedLoad(portal, citizens, appointment_type, pacer=pacer)
        cases = ApplicationLoad(traffic, applicants, caseworkers, jobcenter=seeded["jobcenter"])
        video = VideoLoad(traffic, pairs, origin=f"http://127.0.0.1:{portal.port}")
        loads = [bookings.start(), cases.start(), video.start()]
        started = time.monotonic()
        time.sleep(args.minutes * 60)
        for load in loads:
            load.stop()
        loads = []
        elapsed = time.monotonic() - started
        answers = bookings.answers + traffic.answers

        print("\n".join(report(answers)))
        print(f"achieved {len(answers) / elapsed:.1f} requests/s over {elapsed:.0f} s (stated {args.rate:g})")
        problems = [f"{BOOKING_ENDPOINTS.get(a.kind, a.kind)}: {a.status}" for a in answers if a.status >= 500][:20]
        failed = sum(a.status == 0 for a in answers)
        if failed:
            problems.append(f"{failed} requests, connections or signals failed (no answer)")
        problems += booking_problems(postgres, citizens)
        problems += submission_problems(postgres, applicants)
        problems += casework_problems(postgres, caseworkers, applicants)
        problems += video_problems(postgres, pairs)
        print(
            f"bookings acknowledged: {sum(len(c.acked_bookings) for c in citizens)}; "
            f"profile changes acknowledged: {sum(c.acked_patches for c in citizens)}"
        )
        print(
            f"submissions acknowledged: {sum(len(a.submitted) for a in applicants)} "
            f"(repeated submits: {sum(a.replays for a in applicants)}); "
            f"claims: {sum(len(c.claimed) for c in caseworkers)}; "
            f"decisions acknowledged: {sum(len(c.decided) for c in caseworkers)}; "
            f"document requests: {sum(len(c.document_requests) for c in caseworkers)}"
        )
        print(
            f"video: {sum(p.connections for p in pairs)} connections, {sum(p.meetings for p in pairs)} meetings, "
            f"{sum(p.round_trips for p in pairs)} signal round trips answered, "
            f"{sum(p.unanswered for p in pairs)} unanswered"
        )
        for problem in problems:
            print(f"PROBLEM: {problem}")
        print("soak: OK" if not problems else f"soak: {len(problems)} problems")
        return 1 if problems else 0
    finally:
        for load in loads:
            load.stop()
        if portal is not None:
            portal.stop()
        redis.stop()
        postgres.destroy()


if __name__ == "__main__":
    sys.exit(main())
