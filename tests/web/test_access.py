"""One access rule for the citizen's pages (portal/web/access.py): the API's
permission classes, applied to pages. Each refusal is checked on a page of every
module that uses the helper, and against the API's answer for the same person."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from portal.mfa import MFA_SETUP_DUE_SESSION_KEY
from portal.web.access import citizen_page, member_page
from tests.applications.factories import ApplicationFactory
from tests.factories import PASSWORD, JobcenterFactory, UserFactory, login

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def application(db):
    return ApplicationFactory(submitted=True)


def citizen_pages(application) -> list[str]:
    """A page of each module that uses ``citizen_page``."""
    pid = application.public_id
    return [
        "/applications/new/",  # apply
        f"/applications/{pid}/review/",  # apply
        f"/applications/{pid}/evidence/",  # documents
        "/applications/",  # follow
        f"/applications/{pid}/messages/",  # follow
        f"/applications/{pid}/decision/",  # casework/web/citizen
        "/account/data-export/",  # portal
    ]


def test_it_sends_the_anonymous_to_the_login_with_next(application):
    for url in [*citizen_pages(application), "/account/", "/overview/"]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_it_refuses_staff_the_citizen_pages_as_the_api_refuses_them(application):
    staff = UserFactory(staff=True, jobcenter=application.jobcenter)
    client = Client(headers={"accept-language": "en"})
    login(client, staff)

    for url in citizen_pages(application):
        response = client.get(url)
        assert response.status_code == 403, url
        text = response.content.decode()
        assert "Access denied" in text
        assert "This function is not available for your role." in text
    api = client.get(f"/api/v1/applications/{application.public_id}/")
    assert api.status_code == 403 and api.json()["code"] == "role_required"
    # The account page is for everyone logged in: staff with a second factor may open it.
    assert client.get("/account/").status_code == 200


def test_it_refuses_staff_without_a_second_factor_the_account_as_the_api_does(db):
    staff = UserFactory(staff=True)
    client = Client(headers={"accept-language": "en"})
    login(client, staff, mfa=False)

    for url in ("/account/", "/overview/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "log in with your second factor" in response.content.decode()
    api = client.get(ME)
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"


def requiring_jobcenter(*, days_ago: int, grace_days: int = 30):
    return JobcenterFactory(
        citizen_mfa_required=True,
        citizen_mfa_required_since=timezone.now() - timedelta(days=days_ago),
        citizen_mfa_grace_days=grace_days,
    )


def page_login(user) -> Client:
    """The real login form: it works out the citizen's second-factor deadline (portal/accounts.py)."""
    client = Client(headers={"accept-language": "en"})
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_it_sends_a_citizen_past_the_grace_period_to_the_second_factor_as_the_api_refuses():
    jobcenter = requiring_jobcenter(days_ago=40)
    citizen = UserFactory(citizen=True, date_joined=timezone.now() - timedelta(days=100))
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, submitted=True)
    client = page_login(citizen)

    for url in citizen_pages(application):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/accounts/2fa/"
    assert "Please set up a passkey or an authenticator app now." in client.get("/accounts/2fa/").content.decode()
    api = client.get(ME)
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"


def test_it_lets_a_citizen_in_the_grace_period_in():
    jobcenter = requiring_jobcenter(days_ago=2)
    citizen = UserFactory(citizen=True, date_joined=timezone.now() - timedelta(days=100))
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, submitted=True)
    client = page_login(citizen)

    response = client.get(f"/applications/{application.public_id}/")
    assert response.status_code == 200
    assert application.reference in response.content.decode()


# --- the decorator on its own (without the middleware that also sends overdue citizens on) ------
def request_for(user, *, due: float | None = None, mfa: bool = False):
    request = RequestFactory().get("/somewhere/?x=1")
    request.user = user
    request.session = SessionStore()
    methods = [{"method": "password", "at": time.time()}]
    if mfa:
        methods.append({"method": "mfa", "at": time.time(), "id": 0, "type": "totp"})
    request.session["account_authentication_methods"] = methods
    request.session["account_authentication_methods_user"] = str(user.pk)
    if due is not None:
        request.session[MFA_SETUP_DUE_SESSION_KEY] = due
    request._messages = FallbackStorage(request)
    return request


@citizen_page
def citizen_view(request):
    return HttpResponse("inside")


@member_page
def member_view(request):
    return HttpResponse("inside")


def test_the_decorator_sends_an_overdue_citizen_to_the_second_factor_page():
    citizen = UserFactory(citizen=True)

    overdue = citizen_view(request_for(citizen, due=time.time() - 60))
    assert overdue.status_code == 302 and overdue["Location"] == "/accounts/2fa/"
    assert citizen_view(request_for(citizen, due=time.time() + 3600)).content == b"inside"
    assert citizen_view(request_for(citizen, due=time.time() - 60, mfa=True)).content == b"inside"
    assert member_view(request_for(citizen, due=time.time() - 60))["Location"] == "/accounts/2fa/"


def test_the_decorator_refuses_other_roles_and_staff_without_a_second_factor():
    staff = UserFactory(staff=True)

    assert citizen_view(request_for(staff, mfa=True)).status_code == 403
    assert member_view(request_for(staff, mfa=True)).content == b"inside"
    refused = member_view(request_for(staff, mfa=False))
    assert refused.status_code == 403 and b"inside" not in refused.content


@pytest.mark.parametrize(
    ("role", "workplace"),
    [("staff", "/workbench/"), ("team_lead", "/workbench/"), ("counsellor", "/counsel/agenda/")],
)
def test_the_overview_sends_staff_and_counsellors_to_where_they_work(client, role, workplace):
    login(client, UserFactory(**{role: True}), mfa=True)
    response = client.get("/overview/")
    assert response.status_code == 302 and response["Location"] == workplace
    assert client.get(workplace).status_code == 200
