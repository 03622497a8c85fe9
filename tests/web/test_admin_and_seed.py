"""The Jobcenter's page texts and the barrier reports in the admin; the demo's texts."""

from django.test import Client

from portal.demo import seed_organisation
from portal.models import AccessibilityFeedback, JobcenterText, JobcenterTextKind
from tests.factories import UserFactory, login


def admin_client(**extra):
    admin = UserFactory(admin=True, is_staff=True, is_superuser=True, **extra)
    client = Client()
    login(client, admin)
    return client


def test_it_lists_barrier_reports_in_the_admin_read_only(jobcenter):
    feedback = AccessibilityFeedback.objects.create(jobcenter=jobcenter, message="Kontrast zu schwach")
    client = admin_client(jobcenter=jobcenter)
    assert client.get("/admin/portal/accessibilityfeedback/").status_code == 200
    page = client.get(f"/admin/portal/accessibilityfeedback/{feedback.pk}/change/").content.decode()
    assert "Kontrast zu schwach" in page and 'name="message"' not in page  # shown, not editable
    assert client.get("/admin/portal/accessibilityfeedback/add/").status_code == 403


def test_it_edits_a_page_text_in_the_admin(jobcenter):
    text = JobcenterText.objects.get(jobcenter=jobcenter, kind=JobcenterTextKind.IMPRESSUM)
    client = admin_client(jobcenter=jobcenter)
    response = client.post(
        f"/admin/portal/jobcentertext/{text.pk}/change/",
        {"jobcenter": jobcenter.pk, "kind": text.kind, "text_de": "Neues Impressum", "text_en": "", "text_uk": ""},
    )
    assert response.status_code == 302
    assert "Neues Impressum" in Client().get("/impressum/").content.decode()


def test_it_seeds_the_demo_texts_once(db):
    jobcenter = seed_organisation()
    seed_organisation()
    kinds = set(JobcenterText.objects.filter(jobcenter=jobcenter).values_list("kind", flat=True))
    assert kinds == set(JobcenterTextKind.values)
    assert JobcenterText.objects.count() == len(JobcenterTextKind.values)
