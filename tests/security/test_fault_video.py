"""Video signalling under faults: Redis stops, and the ASGI server restarts.

Real processes only: a Redis of our own (the machine's shared Redis is never
touched), daphne serving the portal against the test database, and room
participants over real WebSockets that reconnect the way room.js does
(tests/security/video_clients.py). Each test runs with both channel layers
(``CHANNEL_LAYER=core|pubsub``), and stops the service once with SIGTERM and
once with SIGKILL.
"""

from __future__ import annotations

import asyncio
import json
import signal

import pytest
import redis as redis_client
from django.contrib.auth.models import Group

from portal.constants import Role
from tests.security.services import Redis, stop_group
from tests.security.video_clients import Participant, signals_flow
from tests.video.factories import VideoAppointmentFactory
from tests.video.servers import Daphne, session_cookie_for
from video.constants import GuestKind
from video.services import guest_invite

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LAYERS = ["core", "pubsub"]
STOPS = [signal.SIGTERM, signal.SIGKILL]


@pytest.fixture
def appointment():
    # transaction=True starts from an emptied database, without the role groups.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    return VideoAppointmentFactory()


@pytest.fixture
def redis_server():
    from tests.security.conftest import require_fault_binaries

    require_fault_binaries()
    server = Redis().start()
    yield server
    server.stop()


def portal_env(redis: Redis, layer: str) -> dict[str, str]:
    # A short heartbeat: an idle socket on the Pub/Sub layer notices the outage at its
    # next refresh, and entries of a killed process expire after 8 s instead of 45 s.
    return {
        "REDIS_URL": redis.url,
        "CHANNEL_LAYER": layer,
        "VIDEO_HEARTBEAT": "2",
        "VIDEO_PRESENCE_TTL": "8",
        "LOG_LEVEL": "INFO",
    }


def stop_redis(redis: Redis, sig: int) -> None:
    stop_group(redis.proc, sig)
    redis.proc = None


def counsellor_and_citizen(server: Daphne, appointment) -> tuple[Participant, Participant]:
    counsellor = Participant(
        name="counsellor",
        base_url=server.url,
        appointment=appointment,
        headers={"Cookie": session_cookie_for(appointment.counsellor)},
        admit=True,
    )
    citizen = Participant(
        name="citizen",
        base_url=server.url,
        appointment=appointment,
        headers={"Cookie": session_cookie_for(appointment.citizen)},
    )
    return counsellor, citizen


def assert_no_crash(server: Daphne) -> None:
    """The same daphne process still serves, and no application ended with an exception."""
    assert server.process.poll() is None, server.output()
    server.log.seek(0)
    log = server.log.read().decode(errors="replace")
    assert "Exception inside application" not in log, log[-5000:]


@pytest.mark.parametrize("layer", LAYERS)
def test_it_tells_the_room_when_redis_stops_and_brings_it_back_when_redis_returns(appointment, redis_server, layer):
    with Daphne(portal_env(redis_server, layer)) as server:
        counsellor, citizen = counsellor_and_citizen(server, appointment)

        async def scenario():
            await counsellor.start()
            await counsellor.wait_for(lambda: counsellor.state() == "admitted", what="the counsellor in the room")
            await citizen.start()
            await signals_flow(counsellor, citizen)
            await signals_flow(citizen, counsellor)

            for sig in STOPS:
                marks = {p: (len(p.messages), len(p.closes), p.tickets) for p in (counsellor, citizen)}
                stop_redis(redis_server, sig)
                for p in (counsellor, citizen):
                    mark, closes, tickets = marks[p]
                    told = await p.wait_for(
                        lambda p=p, mark=mark: [m for m in p.since(mark) if m["type"] == "unavailable"],
                        what="the unavailable notice",
                    )
                    assert told[0] == {"type": "unavailable", "code": "signalling_unavailable", "retry_after": 2}
                    # Closed with 4503, and refused the same way while Redis is away; HTTP
                    # still hands out tickets for the reconnects.
                    await p.wait_for(lambda p=p, closes=closes: p.closes[closes:].count(4503) >= 2, what="4503 twice")
                    assert p.tickets >= tickets + 1
                    assert not any(m["type"] == "welcome" for m in p.since(mark))
                    assert set(p.closes[closes:]) == {4503}, p.closes
                marks = {p: len(p.messages) for p in (counsellor, citizen)}
                redis_server.start()  # the same port, empty: Redis without persistence lost all room state

                await signals_flow(counsellor, citizen)
                await signals_flow(citizen, counsellor)
                # Redis forgot who was admitted, so the citizen waited again and the
                # counsellor let the citizen in again (fail closed).
                welcomes = [m for m in citizen.since(marks[citizen]) if m["type"] == "welcome"]
                assert welcomes[0]["state"] == "waiting", welcomes
                assert {p["id"] for p in welcomes[0]["participants"]} <= {counsellor.me}, welcomes
                assert_no_crash(server)

            present = redis_client.Redis(port=redis_server.port).hgetall(f"video:{appointment.public_id}:presence")
            assert sorted(json.loads(v)["role"] for v in present.values()) == ["citizen", "counsellor"]
            await counsellor.stop()
            await citizen.stop()

        asyncio.run(scenario())


def presence_in_redis(redis: Redis, appointment) -> dict[str, dict]:
    raw = redis_client.Redis(port=redis.port).hgetall(f"video:{appointment.public_id}:presence")
    return {key.decode(): json.loads(value) for key, value in raw.items()}


@pytest.mark.parametrize("layer", LAYERS)
def test_it_gives_the_room_back_after_the_server_restarts(appointment, redis_server, layer):
    """Counsellor and citizen in the call, a guest in the lobby; daphne stops
    (SIGTERM, then SIGKILL) and a new one starts on the same port."""
    _guest, key = guest_invite(
        appointment=appointment,
        actor=appointment.counsellor,
        kind=GuestKind.PERSON_OF_TRUST,
        display_name="Erika Beistand",
        email="beistand@example.org",
    )
    env = portal_env(redis_server, layer)
    server = Daphne(env).__enter__()
    try:
        counsellor, citizen = counsellor_and_citizen(server, appointment)
        counsellor.admit = False  # the guest stays in the lobby
        guest = Participant(name="guest", base_url=server.url, appointment=appointment, headers={"X-Video-Guest": key})
        everyone = (counsellor, citizen, guest)

        async def admit_citizen():
            await citizen.wait_for(lambda: citizen.state() == "waiting", what="the citizen waiting")
            await counsellor.send({"type": "admit", "participant": citizen.me})

        def lobby(p: Participant) -> list[str] | None:
            lobbies = [m for m in p.current() if m["type"] == "lobby"]
            return [w["id"] for w in lobbies[-1]["waiting"]] if lobbies else None

        async def scenario():
            nonlocal server
            await counsellor.start()
            await counsellor.wait_for(lambda: counsellor.state() == "admitted", what="the counsellor in the room")
            await citizen.start()
            await admit_citizen()
            await guest.start()
            await guest.wait_for(lambda: guest.state() == "waiting", what="the guest waiting")
            await counsellor.wait_for(lambda: lobby(counsellor) == [guest.me], what="the guest in the lobby")
            await signals_flow(counsellor, citizen)
            await signals_flow(citizen, counsellor)

            for sig in STOPS:
                before = presence_in_redis(redis_server, appointment)
                assert set(before) == {counsellor.me, citizen.me, guest.me}
                if sig == signal.SIGKILL:
                    guest.stopped = True  # this time the guest closes the browser and does not come back
                marks = {p: (len(p.closes), len(p.messages)) for p in everyone}
                await asyncio.to_thread(server.stop, sig)
                for p in everyone:
                    closes, mark = marks[p]
                    await p.wait_for(lambda p=p, closes=closes: len(p.closes) > closes, what="the socket closing")
                    if sig == signal.SIGTERM:
                        # A shutdown says so: come back in a moment.
                        assert p.since(mark)[-1]["type"] == "unavailable", p.since(mark)
                        assert p.closes[closes] == 4503, p.closes
                    else:
                        assert p.closes[closes] == 1006, p.closes  # dropped: room.js reconnects
                if sig == signal.SIGTERM:
                    # A shutdown lets everyone leave presence; who was admitted stays remembered.
                    assert presence_in_redis(redis_server, appointment) == {}
                else:
                    # A crash leaves its entries behind: they must not get in the way.
                    left = presence_in_redis(redis_server, appointment)
                    assert {k: e["channel"] for k, e in left.items()} == {k: e["channel"] for k, e in before.items()}
                admitted = redis_client.Redis(port=redis_server.port).smembers(
                    f"video:{appointment.public_id}:admitted"
                )
                assert admitted == {counsellor.me.encode(), citizen.me.encode()}
                server = Daphne(env, port=server.port).__enter__()

                # They reconnect on their own and find the room as it was: the
                # citizen is let in again at once (remembered), the counsellor is present.
                await signals_flow(counsellor, citizen)
                await signals_flow(citizen, counsellor)
                welcome = counsellor.current()[0]
                assert welcome["state"] == "admitted"
                assert [p["id"] for p in welcome["participants"]] in ([citizen.me], [])
                assert [p["id"] for p in citizen.current()[0]["participants"]] in ([counsellor.me], [])
                assert citizen.current()[0]["state"] == "admitted"
                if sig == signal.SIGTERM:
                    # The guest waits again and is in the counsellor's lobby again.
                    await guest.wait_for(lambda: guest.state() == "waiting", what="the guest waiting again")
                    await counsellor.wait_for(
                        lambda: lobby(counsellor) == [guest.me], what="the guest in the lobby again"
                    )
                    assert [p["id"] for p in guest.current()[0]["participants"]] in (
                        [counsellor.me, citizen.me],
                        [citizen.me, counsellor.me],
                        [counsellor.me],
                        [citizen.me],
                        [],
                    )
                    expected = {counsellor.me, citizen.me, guest.me}
                else:
                    # The guest's entry from the killed process expires (no refresh for
                    # VIDEO_PRESENCE_TTL) and the counsellor's lobby is told.
                    await counsellor.wait_for(lambda: lobby(counsellor) == [], what="the lobby without the guest")
                    expected = {counsellor.me, citizen.me}
                # One entry per person, each on a socket of the new server: nothing
                # stale from the stopped process is left to block or duplicate anyone.
                # (The lobby may be empty before the entry is gone: members past their
                # TTL are left out at once, and the next heartbeat's reap deletes them.)
                for _ in range(300):
                    after = presence_in_redis(redis_server, appointment)
                    if set(after) == expected:
                        break
                    await asyncio.sleep(0.1)
                assert set(after) == expected
                assert {after[p]["state"] for p in (counsellor.me, citizen.me)} == {"admitted"}
                assert not {e["channel"] for e in after.values()} & {e["channel"] for e in before.values()}
                assert_no_crash(server)

            for p in everyone:
                await p.stop()

        asyncio.run(scenario())
    finally:
        server.stop()


REMOTE_VIDEO_PLAYING = """() => [...document.querySelectorAll('#remotes video')]
    .some(v => v.videoWidth > 0 && !v.paused && v.readyState >= 2)"""
NOTICE = "Der Videodienst ist kurz nicht erreichbar."


def room_sessions(appointment) -> dict[str, str]:
    """Session ids of the counsellor and the citizen (before Playwright runs its loop:
    the ORM refuses to run inside one)."""
    return {
        role: session_cookie_for(user).split("=", 1)[1]
        for role, user in (("counsellor", appointment.counsellor), ("citizen", appointment.citizen))
    }


def room_pages(browser, server, appointment, sessions: dict[str, str]) -> dict:
    """The counsellor's and the citizen's room page (German), logged in, ready to join."""
    pages = {}
    for role, session in sessions.items():
        context = browser.new_context(locale="de-DE")
        context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
        pages[role] = page = context.new_page()
        page.goto(f"{server.url}/video/{appointment.public_id}/")
        page.wait_for_selector("#join:enabled", timeout=30_000)
    return pages


@pytest.mark.browser
def test_it_keeps_the_call_going_in_the_browser_while_redis_is_away(appointment, redis_server):
    """room.js with Debian's chromium (fake devices): the notice in German, the call's
    media goes on browser to browser, and after Redis is back (empty) the pages reconnect
    by themselves; the counsellor lets the citizen in again and both videos play."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import require_binary
    from tests.video.test_browser import FLAGS

    chromium = require_binary("chromium")
    # DEBUG serves the static files from the source tree and allows ws: (no TLS) in the CSP.
    sessions = room_sessions(appointment)
    env = {**portal_env(redis_server, "core"), "DEBUG": "true"}
    with Daphne(env) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        try:
            pages = room_pages(browser, server, appointment, sessions)
            counsellor, citizen = pages["counsellor"], pages["citizen"]

            def into_the_call():
                admit = counsellor.locator("#lobby-list button.primary")
                admit.wait_for(timeout=60_000)
                admit.click()
                citizen.wait_for_selector("#call:not([hidden])", timeout=60_000)
                for page in (counsellor, citizen):
                    page.wait_for_function(REMOTE_VIDEO_PLAYING, timeout=60_000)

            counsellor.click("#join")
            counsellor.wait_for_selector("#call:not([hidden])", timeout=30_000)
            citizen.click("#join")
            into_the_call()

            stop_redis(redis_server, signal.SIGKILL)
            for page in (counsellor, citizen):
                page.wait_for_function(
                    "text => document.querySelector('#problem').textContent.startsWith(text)",
                    arg=NOTICE,
                    timeout=60_000,
                )
                assert page.locator("#problem").is_visible()
                # Media goes on between the browsers: the remote video keeps advancing.
                start = page.evaluate("document.querySelector('#remotes video').currentTime")
                page.wait_for_function(
                    "t => document.querySelector('#remotes video').currentTime > t + 0.5", arg=start, timeout=60_000
                )

            redis_server.start()  # empty: the citizen waits again until let in
            citizen.wait_for_selector("#waiting:not([hidden])", timeout=90_000)
            into_the_call()
            for page in (counsellor, citizen):
                page.wait_for_selector("#problem", state="hidden", timeout=60_000)  # the notice is gone
            assert_no_crash(server)
        finally:
            browser.close()


ROOM_STATE = """() => ({
    shown: ['join-panel', 'waiting', 'call', 'ended'].filter(id => document.getElementById(id) && !document.getElementById(id).hidden),
    status: (document.getElementById('status') || {}).textContent,
    problem: (document.getElementById('problem') || {}).textContent,
    peers: [...document.querySelectorAll('#remotes figure')].map(f => ({id: f.id, state: f.dataset.state,
        old: !!(f.querySelector('video') || {dataset: {}}).dataset.old})),
})"""


def room_diagnosis(pages: dict, console: dict, server: Daphne) -> str:
    """What each page shows and logged, and the server's log: why a call did not come back."""
    lines = []
    for role, page in pages.items():
        lines.append(f"{role}: {page.evaluate(ROOM_STATE)}")
        lines.extend(f"  {line}" for line in console[role][-15:])
    return "\n".join(lines) + "\nserver:\n" + server.output()[-3000:]


@pytest.mark.browser
def test_it_brings_the_browsers_back_into_the_call_after_the_server_restarts(appointment, redis_server):
    """room.js with Debian's chromium: daphne stops (SIGTERM, then SIGKILL) in the middle
    of a call and a new one starts on the same port; both pages keep trying while the
    server is away and come back into the call by themselves (the citizen is let in
    again at once), with new peer connections."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.conftest import require_binary
    from tests.video.test_browser import FLAGS

    chromium = require_binary("chromium")
    sessions = room_sessions(appointment)
    env = {**portal_env(redis_server, "core"), "DEBUG": "true"}
    server = Daphne(env).__enter__()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
            try:
                pages = room_pages(browser, server, appointment, sessions)
                counsellor, citizen = pages["counsellor"], pages["citizen"]
                console = {role: [] for role in pages}
                for role, page in pages.items():
                    page.on("console", lambda m, role=role: console[role].append(f"{m.type}: {m.text}"))
                failed_tickets = {page: 0 for page in pages.values()}
                for page in pages.values():
                    page.on(
                        "requestfailed",
                        lambda request, page=page: failed_tickets.__setitem__(
                            page, failed_tickets[page] + ("/api/v1/appointments/" in request.url)
                        ),
                    )
                counsellor.click("#join")
                counsellor.wait_for_selector("#call:not([hidden])", timeout=30_000)
                citizen.click("#join")
                counsellor.locator("#lobby-list button.primary").click(timeout=60_000)
                for page in (counsellor, citizen):
                    page.wait_for_function(REMOTE_VIDEO_PLAYING, timeout=60_000)

                for sig in STOPS:
                    for page in (counsellor, citizen):
                        page.evaluate("document.querySelectorAll('#remotes video').forEach(v => v.dataset.old = '1')")
                    server.stop(sig)
                    # The server stays away until both pages tried to come back and
                    # failed to get a ticket (no answer at all): they must keep trying.
                    marks = dict(failed_tickets)
                    for page in (counsellor, citizen):
                        for _ in range(600):
                            if failed_tickets[page] > marks[page]:
                                break
                            page.wait_for_timeout(100)
                        assert failed_tickets[page] > marks[page], "no reconnect attempt"
                    server = Daphne(env, port=server.port).__enter__()
                    for role, page in pages.items():
                        # A new video element: the call was set up again through the new server.
                        try:
                            page.wait_for_function(
                                """() => [...document.querySelectorAll('#remotes video')]
                                    .some(v => !v.dataset.old && v.videoWidth > 0 && !v.paused && v.readyState >= 2)""",
                                timeout=90_000,
                            )
                        except PlaywrightTimeout:
                            pytest.fail(
                                f"{role} not back in the call after {sig!r}:\n{room_diagnosis(pages, console, server)}"
                            )
                        assert page.locator("#call").is_visible()
                    assert_no_crash(server)
            finally:
                browser.close()
    finally:
        server.stop()
