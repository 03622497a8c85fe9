import pytest

from portal.demo import DEMO_TEXTS
from portal.models import JobcenterText
from tests.appointments.factories import AppointmentTypeFactory, counsellor_with_hours
from tests.factories import JobcenterFactory, UserFactory, login


@pytest.fixture
def jobcenter(db):
    """The deployment's Jobcenter with the demo's page texts (as seed_demo leaves them)."""
    jobcenter = JobcenterFactory(name="Jobcenter Kaiserslautern", email="kontakt@jobcenter.example")
    for kind, texts in DEMO_TEXTS.items():
        JobcenterText.objects.create(jobcenter=jobcenter, kind=kind, **texts)
    return jobcenter


@pytest.fixture
def appointment_type(jobcenter):
    return AppointmentTypeFactory(
        jobcenter=jobcenter, slug="beratung", name="Beratung zur Arbeitssuche", translations={}
    )


@pytest.fixture
def counsellor(appointment_type):
    return counsellor_with_hours(appointment_type, languages=("de", "uk"), first_name="Erika", last_name="Muster")


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True, first_name="Olena", last_name="Koval")


@pytest.fixture
def citizen_client(client, citizen):
    login(client, citizen, mfa=False)
    return client


@pytest.fixture
def booked(citizen, appointment_type, counsellor):
    """A phone appointment the citizen booked (through the service) a week ahead at 09:00."""
    from appointments import services
    from tests.appointments.factories import berlin, next_weekday

    day = next_weekday(2)
    return services.appointment_book(
        citizen=citizen,
        appointment_type=appointment_type,
        start=berlin(day.year, day.month, day.day, 9),
        channel="phone",
    )


@pytest.fixture
def invitation(citizen, appointment_type, counsellor):
    """A binding invitation, created with the service the staff API uses."""
    from appointments import services
    from appointments.constants import InvitationPurpose
    from tests.appointments.factories import berlin, next_weekday

    staff = UserFactory(staff=True, jobcenter=appointment_type.jobcenter)
    day = next_weekday(3)
    return services.invitation_create(
        actor=staff,
        citizen=citizen,
        appointment_type=appointment_type,
        start=berlin(day.year, day.month, day.day, 10),
        channel="in_person",
        purpose=InvitationPurpose.PLACEMENT,
    )
