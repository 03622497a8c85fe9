"""Two devices change the same thing at once with the same If-Match: one wins, the other gets 412.

The check runs on the row the service has locked, so the second request waits
for the first and then sees its new version. Real threads, each with its own
client and its own database connection, released together by a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import time, timedelta

import pytest
from django.db import connection
from rest_framework.test import APIClient

from appointments.constants import AppointmentStatus
from appointments.models import Appointment, AvailabilityRule, CounsellorProfile
from portal.models import AuditEvent
from tests.appointments.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    berlin,
    counsellor_with_hours,
    next_weekday,
)
from tests.factories import UserFactory, login

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Request = Callable[[APIClient], object]


def race(user, requests: dict[str, Request]) -> dict[str, tuple[int, dict]]:
    """Send each request from its own logged-in client at the same moment; ``{name: (status, body)}``."""
    barrier = threading.Barrier(len(requests))
    results: dict[str, tuple[int, dict]] = {}
    clients = {}
    for name in requests:
        clients[name] = APIClient()
        login(clients[name], user)

    def send(name: str) -> None:
        try:
            barrier.wait(timeout=30)
            response = requests[name](clients[name])
            results[name] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(name,)) for name in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert set(results) == set(requests), results
    return results


def winner_and_loser(results: dict[str, tuple[int, dict]]) -> tuple[str, str]:
    """Exactly one 2xx and one 412 ``precondition_failed``."""
    statuses = sorted(status for status, _body in results.values())
    assert statuses == [200, 412], results
    winner = next(name for name, (status, _body) in results.items() if status == 200)
    loser = next(name for name, (status, _body) in results.items() if status == 412)
    assert results[loser][1]["code"] == "precondition_failed"
    return winner, loser


@pytest.fixture
def booked():
    appointment_type = AppointmentTypeFactory()
    counsellor = counsellor_with_hours(appointment_type, weekdays=[1])
    tuesday = next_weekday(1)
    return AppointmentFactory(
        appointment_type=appointment_type,
        counsellor=counsellor,
        citizen=UserFactory(citizen=True),
        start=berlin(*tuesday.timetuple()[:3], 9),
    )


def test_it_lets_only_one_of_two_simultaneous_reschedules_with_the_same_if_match_win(booked):
    etag = f'"{booked.public_id}-1"'
    url = f"/api/v1/appointments/{booked.public_id}/reschedule/"
    targets = {"phone": booked.start + timedelta(hours=1), "laptop": booked.start + timedelta(hours=2)}

    def reschedule_to(name: str) -> Request:
        payload = {"start": targets[name].isoformat()}
        return lambda client: client.post(url, payload, format="json", HTTP_IF_MATCH=etag)

    results = race(booked.citizen, {name: reschedule_to(name) for name in targets})

    winner, _loser = winner_and_loser(results)
    stored = Appointment.objects.get(pk=booked.pk)
    assert stored.start == targets[winner]
    assert stored.version == 2 == results[winner][1]["version"]
    assert AuditEvent.objects.filter(action="appointment.reschedule").count() == 1


def test_it_lets_only_one_of_a_simultaneous_cancel_and_reschedule_win(booked):
    etag = f'"{booked.public_id}-1"'
    base = f"/api/v1/appointments/{booked.public_id}"
    new_start = booked.start + timedelta(hours=1)
    requests = {
        "cancel": lambda client: client.post(f"{base}/cancel/", {"reason": "Krank"}, format="json", HTTP_IF_MATCH=etag),
        "reschedule": lambda client: client.post(
            f"{base}/reschedule/", {"start": new_start.isoformat()}, format="json", HTTP_IF_MATCH=etag
        ),
    }

    results = race(booked.citizen, requests)

    winner, _loser = winner_and_loser(results)
    stored = Appointment.objects.get(pk=booked.pk)
    assert stored.version == 2
    if winner == "cancel":
        assert (stored.status, stored.start) == (AppointmentStatus.CANCELLED, booked.start)
    else:
        assert (stored.status, stored.start) == (AppointmentStatus.BOOKED, new_start)


def test_it_lets_only_one_of_two_simultaneous_availability_puts_with_the_same_if_match_win():
    appointment_type = AppointmentTypeFactory()
    counsellor = counsellor_with_hours(appointment_type, weekdays=[0])
    login(probe := APIClient(), counsellor)
    etag = probe.get("/api/v1/counsellor/availability/")["ETag"]
    assert etag == f'"{counsellor.public_id}-1"'
    weekdays = {"office": 1, "home": 3}

    def put_rule_on(name: str) -> Request:
        payload = {
            "rules": [{"weekday": weekdays[name], "start_time": "08:00", "end_time": "12:00", "channels": ["phone"]}]
        }
        return lambda client: client.put("/api/v1/counsellor/availability/", payload, format="json", HTTP_IF_MATCH=etag)

    results = race(counsellor, {name: put_rule_on(name) for name in weekdays})

    winner, _loser = winner_and_loser(results)
    rules = AvailabilityRule.objects.filter(counsellor=counsellor)
    assert [(rule.weekday, rule.start_time, rule.end_time) for rule in rules] == [(weekdays[winner], time(8), time(12))]
    assert CounsellorProfile.objects.get(user=counsellor).version == 2
    assert [rule["weekday"] for rule in results[winner][1]["rules"]] == [weekdays[winner]]
    assert AuditEvent.objects.filter(action="availability.update").count() == 1
