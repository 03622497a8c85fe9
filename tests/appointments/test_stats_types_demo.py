"""GET /api/v1/appointment-stats/, GET /api/v1/appointment-types/ and the demo data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from appointments.models import AppointmentType, AvailabilityRule
from appointments.selectors import slots_for_type
from portal.demo import seed_organisation, seed_users
from tests.appointments.factories import AppointmentFactory, AppointmentTypeFactory
from tests.factories import JobcenterFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_counts_bookings_cancellations_and_no_shows_per_type_and_team(api_for, citizen_api):
    appointment_type = AppointmentTypeFactory()
    past = timezone.now() - timedelta(days=3)
    for offset, trait in enumerate(["attended", "no_show", "no_show", "cancelled", "booked"]):
        appointment = AppointmentFactory(appointment_type=appointment_type, start=past + timedelta(hours=offset))
        appointment.status = trait
        appointment.save(update_fields=["status"])
    AppointmentFactory(start=past)  # another Jobcenter's
    lead = UserFactory(team_lead=True, jobcenter=appointment_type.jobcenter)
    body = api_for(lead).get("/api/v1/appointment-stats/").json()
    assert len(body["results"]) == 1
    row = body["results"][0]
    assert row["appointment_type"]["id"] == str(appointment_type.public_id)
    assert row["team"]["id"] == str(appointment_type.team.public_id)
    assert (row["bookings"], row["cancellations"], row["attended"], row["no_shows"]) == (5, 1, 1, 2)
    assert row["no_show_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert citizen_api.get("/api/v1/appointment-stats/").status_code == 403
    response = api_for(lead).get("/api/v1/appointment-stats/", {"from": "2027-01-01", "to": "2025-01-01"})
    assert response.status_code == 400 and "to" in response.json()["errors"]


def test_it_lists_active_types_to_anyone(api):
    shown = AppointmentTypeFactory(translations={"en": {"name": "Placement advice"}})
    AppointmentTypeFactory(is_active=False)
    body = api.get("/api/v1/appointment-types/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [t["id"] for t in body["results"]] == [str(shown.public_id)]
    assert body["results"][0]["name"] == "Placement advice"
    assert body["results"][0]["duration_minutes"] == 30
    other = api.get("/api/v1/appointment-types/", {"jobcenter": JobcenterFactory().slug}).json()
    assert other["results"] == []


def test_it_seeds_demo_types_and_free_slots_idempotently():
    jobcenter = seed_organisation()
    seed_users(jobcenter)
    config = apps.get_app_config("appointments")
    config.seed_demo(jobcenter)
    config.seed_demo(jobcenter)
    names = set(AppointmentType.objects.filter(jobcenter=jobcenter).values_list("name", flat=True))
    assert names == {
        "Erstberatung Arbeitsvermittlung",
        "Leistungsberatung",
        "U25 Jugendberufsagentur",
        "Beratung für Geflüchtete aus der Ukraine",
    }
    assert AvailabilityRule.objects.filter(counsellor__email="beratung@demo.jobcenter-digital.example").count() == 6
    today = timezone.localdate()
    for appointment_type in AppointmentType.objects.filter(jobcenter=jobcenter):
        slots, _counsellors = slots_for_type(
            appointment_type=appointment_type, first=today, last=today + timedelta(days=14)
        )
        assert slots, appointment_type.name
    ukraine = AppointmentType.objects.get(jobcenter=jobcenter, slug="beratung-ukraine")
    slots, _counsellors = slots_for_type(
        appointment_type=ukraine, first=today, last=today + timedelta(days=14), language="uk"
    )
    assert slots
