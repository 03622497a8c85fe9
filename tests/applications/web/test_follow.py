"""The citizen follows an application in the browser (client tests): the overview, the
list, the application's page, the Postfach, withdrawing and deleting a draft."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from applications.constants import ApplicationStatus as S
from applications.constants import TimelineKind
from applications.models import Application, Message, StatusChange, TimelineEvent
from applications.services import message_post
from portal.audit import AuditEvent
from tests.applications.factories import ApplicationFactory, DocumentRequestFactory, MessageFactory
from tests.factories import PASSWORD, UserFactory, login


def client_for(user, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    login(client, user)
    return client


def page(application, suffix: str = "") -> str:
    return f"/applications/{application.public_id}/{suffix}"


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True)


@pytest.fixture
def client(citizen):
    return client_for(citizen)


# --- access -----------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["", "messages/", "withdraw/", "delete/"])
def test_it_sends_an_anonymous_visitor_to_the_login_and_back(db, suffix):
    application = ApplicationFactory(submitted=True)
    response = Client().get(page(application, suffix))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/applications/{application.public_id}/{suffix}"


@pytest.mark.parametrize("suffix", ["", "messages/", "withdraw/", "delete/"])
def test_it_answers_another_citizen_with_404(client, suffix):
    stranger = ApplicationFactory(submitted=True)
    assert client.get(page(stranger, suffix)).status_code == 404
    assert client.post(page(stranger, suffix), {"body": "x", "reason": "x", "version": 1}).status_code == 404
    assert not Message.objects.filter(application=stranger).exists()
    stranger.refresh_from_db()
    assert stranger.status == S.SUBMITTED


def test_it_refuses_staff_the_citizen_pages(db):
    staff = UserFactory(staff=True)
    application = ApplicationFactory(submitted=True, jobcenter=staff.jobcenter)
    assert client_for(staff).get(page(application)).status_code == 403
    assert client_for(staff).get("/applications/").status_code == 403


def test_it_lands_on_the_application_after_login(citizen, db):
    application = ApplicationFactory(submitted=True, applicant=citizen)
    response = Client().post(
        f"/accounts/login/?next=/applications/{application.public_id}/",
        {"login": citizen.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.public_id}/"


def test_it_goes_to_the_overview_after_a_login_without_next(citizen, db):
    response = Client().post("/accounts/login/", {"login": citizen.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/overview/"


# --- overview ---------------------------------------------------------------------------------
def test_it_sends_an_anonymous_visitor_from_the_overview_to_the_login(db):
    response = Client().get("/overview/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/overview/"


def test_it_shows_staff_no_application_panel(db):
    staff = UserFactory(staff=True)
    ApplicationFactory(in_review=True, jobcenter=staff.jobcenter)
    text = client_for(staff).get("/overview/").text
    assert "Your application" not in text and "Apply for Bürgergeld" not in text


def test_it_offers_to_apply_when_there_is_no_application(client):
    response = client.get("/overview/")
    assert response.status_code == 200
    assert "You have not applied for Bürgergeld yet." in response.text
    assert 'href="/applications/new/"' in response.text


def test_it_shows_the_state_the_next_step_the_requests_and_the_unread_count(citizen, client):
    application = ApplicationFactory(documents_requested=True, applicant=citizen)
    request = DocumentRequestFactory(application=application, deadline=dt.date(2031, 3, 9))
    MessageFactory(application=application)
    MessageFactory(application=application)
    response = client.get("/overview/")
    text = response.text
    assert "Documents requested" in text
    assert "Kontoauszüge der letzten drei Monate" in text
    assert "March 9, 2031" in text
    assert "You have 2 unread messages." in text
    # The request comes first: a deadline runs.
    assert f'href="/applications/{application.public_id}/requests/{request.public_id}/"' in text
    assert "Send the documents the Jobcenter asked for" in text


def test_it_says_an_overdue_deadline_in_words(citizen, client):
    application = ApplicationFactory(documents_requested=True, applicant=citizen)
    DocumentRequestFactory(application=application, deadline=timezone.localdate() - dt.timedelta(days=1))
    assert "The deadline has passed. You can still send the documents." in client.get("/overview/").text


def test_it_sends_a_draft_to_the_first_incomplete_step(citizen, client):
    application = ApplicationFactory(applicant=citizen)
    response = client.get("/overview/")
    assert f'href="/applications/{application.public_id}/apply/personal/"' in response.text
    assert "Continue your application" in response.text
    assert "Draft" in response.text


def test_it_sends_a_complete_draft_to_the_evidence(citizen, client):
    application = ApplicationFactory(applicant=citizen, lodged=True, complete=True)
    response = client.get("/overview/")
    assert f'href="/applications/{application.public_id}/evidence/"' in response.text


def test_it_points_to_new_messages_when_nothing_else_is_due(citizen, client):
    application = ApplicationFactory(in_review=True, applicant=citizen)
    MessageFactory(application=application)
    response = client.get("/overview/")
    assert "Read your new messages" in response.text
    assert "You have 1 unread message." in response.text


def test_it_shows_the_overview_in_german_with_sie(citizen):
    ApplicationFactory(applicant=citizen)
    response = client_for(citizen, "de").get("/overview/")
    assert "<h1" in response.text and "Ihre Übersicht" in response.text
    assert "Antrag fortsetzen" in response.text


# --- list and detail --------------------------------------------------------------------------
def test_it_lists_only_my_applications(citizen, client):
    mine = ApplicationFactory(withdrawn=True, applicant=citizen)
    other = ApplicationFactory(submitted=True)
    text = client.get("/applications/").text
    assert mine.reference in text and other.reference not in text


def test_it_shows_status_timeline_requests_and_documents(citizen, client):
    application = ApplicationFactory(in_review=True, applicant=citizen)
    TimelineEvent.objects.create(application=application, kind=TimelineKind.SUBMITTED)
    TimelineEvent.objects.create(application=application, kind=TimelineKind.IN_REVIEW)
    DocumentRequestFactory(application=application)
    text = client.get(page(application)).text
    assert text.count("<h1") == 1
    # An open request is something to do: the page does not also say "nothing to do now".
    assert "There is something you can do now" in text
    assert "You do not need to do anything now" not in text
    assert "Application submitted" in text and "Your application is being reviewed" in text
    assert text.index("Application submitted") < text.index("Your application is being reviewed")
    assert "Kontoauszüge der letzten drei Monate" in text
    assert f'href="{page(application, "withdraw/")}"' in text  # in review: withdrawable
    assert page(application, "delete/") not in text  # lodged: never deletable


def test_it_shows_a_requests_deadline_in_the_timeline_as_a_date(citizen, client):
    application = ApplicationFactory(documents_requested=True, applicant=citizen)
    TimelineEvent.objects.create(
        application=application, kind=TimelineKind.DOCUMENTS_REQUESTED, data={"deadline": "2031-03-09"}
    )
    text = client.get(page(application)).text
    assert "Deadline: March 9, 2031" in text and "2031-03-09" not in text


def test_it_shows_no_withdraw_button_for_a_decided_application(citizen, client):
    application = ApplicationFactory(approved=True, applicant=citizen)
    text = client.get(page(application)).text
    assert page(application, "withdraw/") not in text
    assert f'href="{page(application, "decision/")}"' in text


def test_it_shows_a_withdrawal_reason_in_the_timeline(citizen, client):
    application = ApplicationFactory(in_review=True, applicant=citizen)
    client.post(
        page(application, "withdraw/"),
        {"reason": "Ich habe Arbeit.", "version": application.version, "confirmed": "on"},
    )
    text = client.get(page(application)).text
    assert "Application withdrawn" in text and "Reason: Ich habe Arbeit." in text


# --- Postfach ---------------------------------------------------------------------------------
def test_reading_the_thread_marks_the_jobcenters_messages_read(citizen, client):
    application = ApplicationFactory(in_review=True, applicant=citizen)
    message = MessageFactory(application=application, body="Bitte rufen Sie uns an.")
    response = client.get(page(application, "messages/"))
    assert "Bitte rufen Sie uns an." in response.text
    assert ">new<" in response.text  # marked as new on the visit that reads it
    message.refresh_from_db()
    assert message.read_by_citizen_at is not None
    assert AuditEvent.objects.filter(action="application.message.read").exists()
    assert ">new<" not in client.get(page(application, "messages/")).text


def test_it_sends_a_reply_and_comes_back_to_the_thread(citizen, client):
    application = ApplicationFactory(in_review=True, applicant=citizen)
    response = client.post(page(application, "messages/"), {"body": "  Danke, ich rufe morgen an.  "})
    assert response.status_code == 302 and response["Location"] == page(application, "messages/")
    message = Message.objects.get(application=application)
    assert message.body == "Danke, ich rufe morgen an." and not message.from_jobcenter and message.author == citizen
    followed = client.get(response["Location"])
    assert "Your message has been sent to the Jobcenter." in followed.text
    assert "Danke, ich rufe morgen an." in followed.text


def test_it_refuses_an_empty_reply_at_the_field_and_in_the_summary(citizen, client):
    application = ApplicationFactory(in_review=True, applicant=citizen)
    response = client.post(page(application, "messages/"), {"body": "   "})
    assert response.status_code == 400
    text = response.text
    assert 'id="error-summary"' in text and 'href="#id_body"' in text
    assert 'id="id_body-error"' in text and 'aria-invalid="true"' in text
    assert text.count("Please write your message.") == 2
    assert not Message.objects.exists()


def test_it_refuses_a_reply_that_is_too_long(citizen, client, settings):
    settings.APPLICATION_MESSAGE_MAX_LENGTH = 10
    application = ApplicationFactory(in_review=True, applicant=citizen)
    response = client.post(page(application, "messages/"), {"body": "x" * 11})
    assert response.status_code == 400 and "Please write at most 10 characters." in response.text
    assert not Message.objects.exists()


def test_it_explains_the_services_refusal_before_lodging(citizen, client):
    application = ApplicationFactory(applicant=citizen)
    response = client.get(page(application, "messages/"))
    assert 'name="body"' not in response.text
    response = client.post(page(application, "messages/"), {"body": "Hallo"})
    assert response.status_code == 400
    assert "Lodge your application first; then you can write to the Jobcenter." in response.text
    assert not Message.objects.exists()


def test_it_shows_whether_the_jobcenter_read_my_message(citizen, client):
    application = ApplicationFactory(in_review=True, applicant=citizen)
    mine = message_post(application=application, actor=citizen, body="Frage")
    assert "Not yet read by the Jobcenter" in client.get(page(application, "messages/")).text
    Message.objects.filter(pk=mine.pk).update(read_by_jobcenter_at=timezone.now())
    assert "Read by the Jobcenter" in client.get(page(application, "messages/")).text


# --- withdraw ---------------------------------------------------------------------------------
def test_it_withdraws_after_the_confirmation_with_the_reason(citizen, client):
    application = ApplicationFactory(submitted=True, applicant=citizen)
    data = {"reason": "Ich habe eine Arbeit gefunden.", "version": application.version}
    confirm = client.post(page(application, "withdraw/"), data)
    assert confirm.status_code == 200
    assert "Do you really want to withdraw your application?" in confirm.text
    assert "Ich habe eine Arbeit gefunden." in confirm.text
    application.refresh_from_db()
    assert application.status == S.SUBMITTED  # not before the confirmation

    done = client.post(page(application, "withdraw/"), {**data, "confirmed": "on"})
    assert done.status_code == 302 and done["Location"] == page(application)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.withdrawal_reason == "Ich habe eine Arbeit gefunden."
    assert StatusChange.objects.get(application=application, to_status=S.WITHDRAWN).actor == citizen


def test_it_lets_me_change_the_reason_before_confirming(citizen, client):
    application = ApplicationFactory(submitted=True, applicant=citizen)
    data = {"reason": "Erster Grund", "version": application.version, "confirmed": "on", "change": "1"}
    response = client.post(page(application, "withdraw/"), data)
    assert "Why do you withdraw your application?" in response.text and "Erster Grund" in response.text
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_it_requires_a_reason_to_withdraw(citizen, client):
    application = ApplicationFactory(submitted=True, applicant=citizen)
    response = client.post(page(application, "withdraw/"), {"reason": "  ", "version": application.version})
    assert response.status_code == 400
    assert response.text.count("Please tell us why you withdraw your application.") == 2
    assert 'href="#id_reason"' in response.text
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_it_does_not_withdraw_from_a_stale_form(citizen, client):
    application = ApplicationFactory(submitted=True, applicant=citizen)
    rendered_version = application.version
    Application.objects.filter(pk=application.pk).update(status=S.IN_REVIEW, version=rendered_version + 1)
    response = client.post(
        page(application, "withdraw/"), {"reason": "Arbeit", "version": rendered_version, "confirmed": "on"}
    )
    assert response.status_code == 412
    assert "Your application was changed meanwhile. Please check the page and try again." in response.text
    assert "Arbeit" in response.text  # the reason is kept
    assert f'name="version" value="{rendered_version + 1}"' in response.text
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and not application.withdrawal_reason


def test_it_sends_a_decided_application_back_from_the_withdraw_page(citizen, client):
    application = ApplicationFactory(approved=True, applicant=citizen)
    response = client.post(
        page(application, "withdraw/"), {"reason": "x", "version": application.version, "confirmed": "on"}
    )
    assert response.status_code == 302 and response["Location"] == page(application)
    application.refresh_from_db()
    assert application.status == S.APPROVED


# --- delete a draft ---------------------------------------------------------------------------
def test_it_deletes_a_draft_after_the_confirmation(citizen, client):
    application = ApplicationFactory(applicant=citizen)
    confirm = client.get(page(application, "delete/"))
    assert "Do you really want to delete your draft?" in confirm.text
    assert Application.objects.filter(pk=application.pk).exists()
    response = client.post(page(application, "delete/"), {"version": application.version})
    assert response.status_code == 302 and response["Location"] == "/overview/"
    assert not Application.objects.filter(pk=application.pk).exists()
    assert "Your draft has been deleted." in client.get("/overview/").text


def test_it_does_not_delete_a_lodged_application(citizen, client):
    application = ApplicationFactory(lodged=True, applicant=citizen)
    response = client.post(page(application, "delete/"), {"version": application.version})
    assert response.status_code == 302 and response["Location"] == page(application)
    assert Application.objects.filter(pk=application.pk).exists()


def test_it_does_not_delete_from_a_stale_form(citizen, client):
    application = ApplicationFactory(applicant=citizen)
    Application.objects.filter(pk=application.pk).update(version=application.version + 1)
    response = client.post(page(application, "delete/"), {"version": application.version})
    assert response.status_code == 412
    assert "Your application was changed meanwhile." in response.text
    assert Application.objects.filter(pk=application.pk).exists()


# --- links and page rules ---------------------------------------------------------------------
def test_the_link_in_our_emails_opens_the_application_page(citizen, client):
    from urllib.parse import urlsplit

    from applications.services import application_link

    application = ApplicationFactory(in_review=True, applicant=citizen)
    response = client.get(urlsplit(application_link(application)).path)
    assert response.status_code == 200
    assert f"Your application {application.reference}" in response.text


def test_the_start_page_links_a_logged_in_person_to_the_overview(client):
    text = client.get("/").text
    assert 'href="/overview/"' in text and "Go to your overview" in text


@pytest.mark.parametrize("suffix", ["", "messages/", "withdraw/"])
def test_the_pages_carry_no_inline_script_or_style(citizen, client, suffix):
    application = ApplicationFactory(in_review=True, applicant=citizen)
    response = client.get(page(application, suffix))
    assert response.status_code == 200 and "script-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in response.text and "<style" not in response.text
    assert "<script>" not in response.text and "onclick" not in response.text


def test_the_api_names_the_same_next_step(citizen, client):
    from rest_framework.test import APIClient

    application = ApplicationFactory(documents_requested=True, applicant=citizen)
    request = DocumentRequestFactory(application=application)
    api = APIClient()
    login(api, citizen)
    detail = api.get(f"/api/v1/applications/{application.public_id}/").json()
    assert detail["next_step"] == {"kind": "request", "request": str(request.public_id)}
    assert f"/requests/{request.public_id}/" in client.get("/overview/").text
