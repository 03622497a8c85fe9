"""No double booking under load: real threads, real connections, one slot.

Runs on PostgreSQL (exclusion constraint) and on SQLite (IMMEDIATE transactions).
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from appointments.constants import AppointmentStatus
from appointments.models import Appointment
from tests.appointments.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    berlin,
    counsellor_with_hours,
    next_weekday,
)
from tests.factories import UserFactory, login

THREADS = 50


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_books_one_slot_exactly_once_under_50_concurrent_requests():
    appointment_type = AppointmentTypeFactory()
    counsellor_with_hours(appointment_type, weekdays=[1])
    tuesday = next_weekday(1)
    start = berlin(*tuesday.timetuple()[:3], 10)
    clients = []
    for _ in range(THREADS):
        client = APIClient()
        login(client, UserFactory(citizen=True))
        clients.append(client)
    payload = {"appointment_type": str(appointment_type.public_id), "start": start.isoformat(), "channel": "video"}
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def attempt(client: APIClient) -> None:
        try:
            barrier.wait(timeout=30)
            response = client.post("/api/v1/appointments/", payload, format="json")
            with lock:
                results.append((response.status_code, response.json().get("code")))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = Counter(status for status, _code in results)
    assert statuses == {201: 1, 409: THREADS - 1}, results
    assert {code for status, code in results if status == 409} == {"slot_taken"}
    assert Appointment.objects.filter(start=start).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_has_the_database_refuse_overlaps_per_counsellor_and_citizen():
    """The guarantee without the service: the exclusion constraints themselves."""
    booked = AppointmentFactory()
    counsellor, start = booked.counsellor, booked.start
    half = booked.appointment_type.duration / 2
    with pytest.raises(IntegrityError, match="appointment_no_overlap_per_counsellor"), transaction.atomic():
        AppointmentFactory(appointment_type=booked.appointment_type, counsellor=counsellor, start=start + half)
    with pytest.raises(IntegrityError, match="appointment_no_overlap_per_citizen"), transaction.atomic():
        AppointmentFactory(appointment_type=booked.appointment_type, citizen=booked.citizen, start=start + half)
    # Back to back is fine ([) bounds), and cancelled appointments hold nothing.
    AppointmentFactory(appointment_type=booked.appointment_type, counsellor=counsellor, start=booked.end)
    cancelled = AppointmentFactory(
        appointment_type=booked.appointment_type, counsellor=counsellor, start=start, cancelled=True
    )
    # Reviving a cancelled appointment into a slot that is taken again is refused too.
    with pytest.raises(IntegrityError, match="appointment_no_overlap_per_counsellor"), transaction.atomic():
        Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.BOOKED)
    assert Appointment.objects.filter(counsellor=counsellor, status=AppointmentStatus.BOOKED).count() == 2
