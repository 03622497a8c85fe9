"""The ``application`` of an appointment: only the citizen's own, of the appointment's Jobcenter.

POST /api/v1/appointments/ (citizen) and POST /api/v1/invitations/ (staff).
"""

from __future__ import annotations

import pytest

from appointments.models import Appointment
from portal.models import AuditEvent
from tests.applications.factories import ApplicationFactory
from tests.appointments.factories import AppointmentTypeFactory, berlin, counsellor_with_hours, next_weekday
from tests.appointments.test_book import book
from tests.appointments.test_invitations import invite
from tests.factories import JobcenterFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    appointment_type = AppointmentTypeFactory()
    counsellor_with_hours(appointment_type, weekdays=[1])
    return appointment_type, berlin(*next_weekday(1).timetuple()[:3], 9)


def assert_unknown_application(response) -> dict:
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "validation"
    assert list(body["errors"]) == ["application"]
    return body


def test_it_links_the_citizens_own_application_and_shows_its_id(citizen_api, citizen, setup):
    appointment_type, start = setup
    application = ApplicationFactory(applicant=citizen, jobcenter=appointment_type.jobcenter)

    response = book(citizen_api, appointment_type, start, application=str(application.public_id))

    assert response.status_code == 201, response.json()
    assert response.json()["application"] == str(application.public_id)
    appointment = Appointment.objects.get(public_id=response.json()["id"])
    assert appointment.application == application
    event = AuditEvent.objects.get(action="appointment.book", object_id=str(appointment.public_id))
    assert event.data["application"] == str(application.public_id)
    listed = citizen_api.get("/api/v1/appointments/").json()["results"]
    assert [row["application"] for row in listed] == [str(application.public_id)]
    detail = citizen_api.get(f"/api/v1/appointments/{appointment.public_id}/").json()
    assert detail["application"] == str(application.public_id)


def test_it_answers_a_strangers_application_exactly_like_an_unknown_one(citizen_api, setup):
    appointment_type, start = setup
    stranger = ApplicationFactory(jobcenter=appointment_type.jobcenter, submitted=True)

    foreign = book(citizen_api, appointment_type, start, application=str(stranger.public_id))
    unknown = book(citizen_api, appointment_type, start, application="00000000-0000-4000-8000-000000000000")

    assert assert_unknown_application(foreign) == assert_unknown_application(unknown)
    assert not Appointment.objects.exists()


def test_it_refuses_the_citizens_own_application_with_another_jobcenter(citizen_api, citizen, setup):
    appointment_type, start = setup
    elsewhere = ApplicationFactory(applicant=citizen, jobcenter=JobcenterFactory())

    assert_unknown_application(book(citizen_api, appointment_type, start, application=str(elsewhere.public_id)))
    assert not Appointment.objects.exists()


def test_it_refuses_an_application_id_that_is_not_a_uuid(citizen_api, setup):
    appointment_type, start = setup
    assert_unknown_application(book(citizen_api, appointment_type, start, application="KL-2026-000001"))


def test_it_keeps_the_appointment_when_the_application_is_deleted(citizen_api, citizen, setup):
    appointment_type, start = setup
    draft = ApplicationFactory(applicant=citizen, jobcenter=appointment_type.jobcenter)
    appointment_id = book(citizen_api, appointment_type, start, application=str(draft.public_id)).json()["id"]

    draft.delete()

    assert citizen_api.get(f"/api/v1/appointments/{appointment_id}/").json()["application"] is None


@pytest.fixture
def invitation_world(citizen):
    appointment_type = AppointmentTypeFactory(self_bookable=False)
    counsellor_with_hours(appointment_type, weekdays=[1])
    staff = UserFactory(staff=True, jobcenter=appointment_type.jobcenter)
    return appointment_type, staff, berlin(*next_weekday(1).timetuple()[:3], 9)


def test_it_lets_staff_link_a_received_application_of_their_jobcenter(api_for, citizen, invitation_world):
    appointment_type, staff, start = invitation_world
    application = ApplicationFactory(applicant=citizen, jobcenter=appointment_type.jobcenter, submitted=True)

    response = invite(api_for(staff), appointment_type, citizen, start, application=str(application.public_id))

    assert response.status_code == 201, response.json()
    assert response.json()["application"] == str(application.public_id)
    assert Appointment.objects.get(public_id=response.json()["id"]).application == application


@pytest.mark.parametrize("which", ["other_jobcenter", "other_citizen", "draft", "unknown"])
def test_it_refuses_staff_any_other_application(api_for, citizen, invitation_world, which):
    appointment_type, staff, start = invitation_world
    jobcenter = appointment_type.jobcenter
    public_id = {
        "other_jobcenter": lambda: ApplicationFactory(applicant=citizen, jobcenter=JobcenterFactory(), submitted=True),
        "other_citizen": lambda: ApplicationFactory(jobcenter=jobcenter, submitted=True),
        "draft": lambda: ApplicationFactory(applicant=citizen, jobcenter=jobcenter),
        "unknown": lambda: None,
    }[which]()
    public_id = str(public_id.public_id) if public_id else "00000000-0000-4000-8000-000000000000"

    response = invite(api_for(staff), appointment_type, citizen, start, application=public_id)

    assert_unknown_application(response)
    assert not Appointment.objects.exists()
