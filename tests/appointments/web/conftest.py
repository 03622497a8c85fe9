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
