"""The feedback form of the accessibility statement (BITV 2.0 §7)."""

import pytest
from django.test import Client

from portal.models import AccessibilityFeedback
from portal.web.views import FEEDBACK_LIMIT


def post(client, data, language="de"):
    return client.post("/barrierefreiheit/", data, HTTP_ACCEPT_LANGUAGE=language)


def test_it_keeps_the_feedback_and_tells_the_jobcenter_neutrally(
    jobcenter, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, {"name": "", "email": "", "message": "Der Kalender ist mit der Tastatur nicht bedienbar."}
        )
    assert response.status_code == 302 and response["Location"] == "/barrierefreiheit/"
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.jobcenter == jobcenter and feedback.message.startswith("Der Kalender")
    assert [m.to for m in mailoutbox] == [["kontakt@jobcenter.example"]]
    assert "Kalender" not in mailoutbox[0].body  # the report stays in the portal
    assert f"/admin/portal/accessibilityfeedback/{feedback.pk}/change/" in mailoutbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "Vielen Dank" in page


def test_it_names_the_missing_message_at_the_field_and_in_the_summary(jobcenter):
    response = post(Client(), {"name": "Erika", "email": "keine-adresse", "message": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert AccessibilityFeedback.objects.count() == 0
    assert 'id="id_message-error"' in body and 'aria-describedby="id_message-hint id_message-error"' in body
    assert 'aria-invalid="true"' in body
    assert 'href="#id_message"' in body and 'href="#id_email"' in body  # the summary links to the fields
    assert "Bitte beschreiben Sie die Barriere" in body
    assert 'value="Erika"' in body  # what was typed stays


def test_it_limits_the_feedback_per_address(jobcenter):
    client = Client()
    for _ in range(FEEDBACK_LIMIT):
        assert post(client, {"message": "Barriere"}).status_code == 302
    response = post(client, {"message": "noch eine"})
    assert response.status_code == 429
    assert AccessibilityFeedback.objects.count() == FEEDBACK_LIMIT
    assert "in einer Stunde" in response.content.decode()
    assert post(Client(REMOTE_ADDR="192.0.2.99"), {"message": "von woanders"}).status_code == 302


def test_it_refuses_feedback_without_csrf_token(jobcenter):
    response = post(Client(enforce_csrf_checks=True), {"message": "Barriere"})
    assert response.status_code == 403
    assert AccessibilityFeedback.objects.count() == 0


@pytest.mark.parametrize("language,text", [("en", "Please describe the barrier"), ("uk", "Будь ласка, опишіть")])
def test_it_speaks_the_visitors_language_in_errors(jobcenter, language, text):
    assert text in post(Client(), {"message": ""}, language).content.decode()
