"""A small mixed load against a running portal (the fault tests; later the soak).

Each worker is one logged-in citizen (app client, ``X-Session-Token``) that
loops over: read the profile, change it (``PATCH`` with ``If-Match``), list
slots, book the next of its own slots. Every answer is recorded with the
phase it fell into, so a test can say what must hold before, during and after
a fault.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.security.services import Portal


@dataclass
class Answer:
    phase: str  # when it was sent
    kind: str  # "me", "patch", "slots", "book"
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)
    sent: dict | None = None
    phase_end: str = ""  # when its answer came
    seconds: float = 0.0  # from sending to the whole answer read

    def json(self):
        return json.loads(self.body)


@dataclass
class Citizen:
    email: str
    token: str
    slots: list[dict] = field(default_factory=list)
    acked_patches: int = 0
    acked_bookings: list[str] = field(default_factory=list)
    refused_bookings: list[dict] = field(default_factory=list)  # 4xx: must not exist ...
    # ... unless an earlier attempt at the same start got no clear answer (5xx or a
    # dropped connection): its commit may have gone through before the failure.
    in_doubt_starts: set[str] = field(default_factory=set)


def app_login(portal: Portal, email: str, password: str) -> str:
    status, _, body = portal.request("POST", "/_allauth/app/v1/auth/login", {"email": email, "password": password})
    assert status == 200, body
    return json.loads(body)["meta"]["session_token"]


def results(body: bytes) -> list:
    data = json.loads(body)
    return data["results"] if isinstance(data, dict) else data


def bookable_slots(portal: Portal, token: str) -> tuple[str, list[dict]]:
    """The first self-bookable type with slots, and its slots (phone or video: no location needed)."""
    headers = {"X-Session-Token": token}
    status, _, body = portal.request("GET", "/api/v1/appointment-types/", headers=headers)
    assert status == 200, body
    start = date.today() + timedelta(days=2)
    for kind in results(body):
        query = f"appointment_type={kind['id']}&from={start}&to={start + timedelta(days=28)}"
        status, _, body = portal.request("GET", f"/api/v1/slots/?{query}", headers=headers)
        assert status == 200, body
        slots = results(body)
        if len(slots) >= 40:
            return kind["id"], slots
    raise AssertionError("the demo data has no appointment type with enough slots")


def share_slots(slots: list[dict], citizens: list[Citizen]) -> None:
    """Deal the slots out round-robin, one per start, so citizens rarely collide."""
    seen = set()
    unique = []
    for slot in sorted(slots, key=lambda s: s["start"]):
        if slot["start"] not in seen:
            seen.add(slot["start"])
            unique.append(slot)
    for index, slot in enumerate(unique):
        citizens[index % len(citizens)].slots.append(slot)


class Pacer:
    """One stated rate shared by every worker of a run: each request takes the
    next free slot (``1 / rate`` apart). A worker that comes late takes a slot at
    once instead of catching up, so a slow server lowers the achieved rate rather
    than causing bursts."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def slot(self) -> float:
        """The monotonic time at which the caller may send."""
        with self._lock:
            slot = max(self._next, time.monotonic())
            self._next = slot + self.interval
            return slot

    def wait(self) -> None:
        time.sleep(max(0.0, self.slot() - time.monotonic()))


class MixedLoad:
    def __init__(
        self,
        portal: Portal,
        citizens: list[Citizen],
        appointment_type: str,
        *,
        pace: float = 0.02,
        pacer: Pacer | None = None,
    ):
        """``pace``: seconds from the start of one round of a worker to the next
        (a round is 4 requests); a slow answer shortens the pause, never the rate.
        With a ``pacer`` every request waits for its slot instead (``pace`` unused)."""
        self.portal = portal
        self.pace = 0.0 if pacer is not None else pace
        self.pacer = pacer
        self.citizens = citizens
        self.appointment_type = appointment_type
        self.phase = "before"
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def record(self, answer: Answer) -> Answer:
        with self._lock:
            self.answers.append(answer)
        return answer

    def call(self, citizen: Citizen, kind: str, method: str, path: str, body=None, headers=None) -> Answer:
        if self.pacer is not None:
            self.pacer.wait()
        phase = self.phase
        started = time.monotonic()
        status, response_headers, content = self.portal.request(
            method, path, body, {"X-Session-Token": citizen.token, **(headers or {})}
        )
        seconds = time.monotonic() - started
        content_type = response_headers.get("Content-Type", "")
        return self.record(
            Answer(phase, kind, status, content_type, content, response_headers, body, self.phase, seconds)
        )

    def _loop(self, citizen: Citizen, number: int) -> None:
        counter = 0
        next_round = time.monotonic()
        while not self._stop.is_set():
            counter += 1
            next_round = max(next_round, time.monotonic()) + self.pace  # no catch-up bursts
            me = self.call(citizen, "me", "GET", "/api/v1/me/")
            if me.status == 200:
                patch = self.call(
                    citizen,
                    "patch",
                    "PATCH",
                    "/api/v1/me/",
                    {"first_name": f"Lauf {number}-{counter}"},
                    {"If-Match": me.headers.get("ETag", "")},
                )
                if patch.status == 200:
                    citizen.acked_patches += 1
            day = date.today() + timedelta(days=2)
            query = f"appointment_type={self.appointment_type}&from={day}&to={day + timedelta(days=7)}"
            self.call(citizen, "slots", "GET", f"/api/v1/slots/?{query}")
            if citizen.slots:
                slot = citizen.slots[0]
                sent = {
                    "appointment_type": self.appointment_type,
                    "start": slot["start"],
                    "channel": slot["channel"],
                    "location": (slot["location"] or {}).get("id"),
                }
                book = self.call(citizen, "book", "POST", "/api/v1/appointments/", sent)
                if 200 <= book.status < 300:
                    citizen.acked_bookings.append(book.json()["id"])
                    citizen.slots.pop(0)
                elif 400 <= book.status < 500:
                    citizen.refused_bookings.append(sent)
                    citizen.slots.pop(0)
                else:
                    citizen.in_doubt_starts.add(slot["start"])  # retried in the next round
            self._stop.wait(max(0.0, next_round - time.monotonic()))

    def start(self) -> MixedLoad:
        for number, citizen in enumerate(self.citizens):
            thread = threading.Thread(target=self._loop, args=(citizen, number), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)
