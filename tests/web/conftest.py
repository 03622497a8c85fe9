import pytest

from portal.demo import DEMO_TEXTS
from portal.models import JobcenterText
from tests.factories import JobcenterFactory


@pytest.fixture
def jobcenter(db):
    """The deployment's Jobcenter with the demo's page texts (as seed_demo leaves them)."""
    jobcenter = JobcenterFactory(name="Jobcenter Kaiserslautern", email="kontakt@jobcenter.example")
    for kind, texts in DEMO_TEXTS.items():
        JobcenterText.objects.create(jobcenter=jobcenter, kind=kind, **texts)
    return jobcenter
