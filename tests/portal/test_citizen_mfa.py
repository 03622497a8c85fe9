"""The citizen's second factor: TOTP and recovery codes through allauth's
headless API, and the Jobcenter's rule that makes one mandatory after a grace
period (portal/mfa.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone
from fido2.utils import websafe_encode

from portal.audit import AuditAction
from portal.mfa import citizen_mfa_due_at, jobcenter_citizen_mfa_update
from portal.models import AuditEvent
from tests.applications.factories import ApplicationFactory
from tests.factories import PASSWORD, JobcenterFactory, UserFactory, totp_code, with_totp
from tests.security.flows import (
    APP,
    BROWSER,
    ME,
    app_login,
    error_codes,
    fresh_totp_code,
    me_with_token,
    pending_flows,
    post_json,
)

pytestmark = pytest.mark.django_db

TOTP = f"{APP}/account/authenticators/totp"
RECOVERY_CODES = f"{APP}/account/authenticators/recovery-codes"
AUTHENTICATORS = f"{APP}/account/authenticators"


def requiring_jobcenter(*, days_ago: int = 0, grace_days: int = 30):
    return JobcenterFactory(
        citizen_mfa_required=True,
        citizen_mfa_required_since=timezone.now() - timedelta(days=days_ago),
        citizen_mfa_grace_days=grace_days,
    )


def citizen_joined(days_ago: int):
    return UserFactory(citizen=True, date_joined=timezone.now() - timedelta(days=days_ago))


def app_password_login(user) -> tuple[int, dict, str]:
    response = post_json(Client(), f"{APP}/auth/login", {"email": user.email, "password": PASSWORD})
    body = response.json()
    return response.status_code, body, body["meta"]["session_token"]


def app_get(url: str, token: str):
    return Client().get(url, headers={"X-Session-Token": token})


def reauthenticate(token: str) -> None:
    """allauth asks for the password again before a factor is added."""
    response = post_json(Client(), f"{APP}/auth/reauthenticate", {"password": PASSWORD}, X_Session_Token=token)
    assert response.status_code == 200, response.content


def activate_totp(token: str) -> str:
    """Set up TOTP in the app's session; returns the secret."""
    reauthenticate(token)
    response = app_get(TOTP, token)
    assert response.status_code == 404, response.content  # none yet: the secret to scan comes along
    secret = response.json()["meta"]["secret"]
    assert response.json()["meta"]["totp_url"].startswith("otpauth://totp/")
    response = post_json(Client(), TOTP, {"code": totp_code(secret)}, X_Session_Token=token)
    assert response.status_code == 200, response.content
    return secret


# --- setting up and using the second factor ------------------------------------------------------
def test_it_sets_up_totp_for_a_citizen_and_hands_out_recovery_codes():
    citizen = UserFactory(citizen=True)
    status, _, token = app_password_login(citizen)
    assert status == 200

    activate_totp(token)

    assert Authenticator.objects.filter(user=citizen, type=Authenticator.Type.TOTP).exists()
    response = app_get(RECOVERY_CODES, token)
    assert response.status_code == 200, response.content
    codes = response.json()["data"]["unused_codes"]
    assert len(codes) == 10
    types = {a["type"] for a in app_get(AUTHENTICATORS, token).json()["data"]}
    assert types == {"totp", "recovery_codes"}


def test_it_asks_a_citizen_with_totp_for_the_code_at_login():
    citizen = UserFactory(citizen=True)
    secret = with_totp(citizen)

    response = post_json(Client(), f"{APP}/auth/login", {"email": citizen.email, "password": PASSWORD})

    assert response.status_code == 401
    assert pending_flows(response) == ["mfa_authenticate"]
    token = response.json()["meta"]["session_token"]
    assert me_with_token(token).status_code == 401  # half logged in is not logged in
    response = post_json(
        Client(), f"{APP}/auth/2fa/authenticate", {"code": fresh_totp_code(secret)}, X_Session_Token=token
    )
    assert response.status_code == 200, response.content
    assert [m["method"] for m in response.json()["data"]["methods"]] == ["password", "mfa"]
    assert me_with_token(response.json()["meta"]["session_token"]).status_code == 200


def test_it_logs_a_citizen_in_with_a_recovery_code_once():
    citizen = UserFactory(citizen=True)
    status, _, token = app_password_login(citizen)
    activate_totp(token)
    code = app_get(RECOVERY_CODES, token).json()["data"]["unused_codes"][0]

    for attempt in ("first", "second"):
        status, body, token = app_password_login(citizen)
        assert status == 401 and pending_flows_of(body) == ["mfa_authenticate"]
        response = post_json(Client(), f"{APP}/auth/2fa/authenticate", {"code": code}, X_Session_Token=token)
        if attempt == "first":
            assert response.status_code == 200, response.content
            assert me_with_token(response.json()["meta"]["session_token"]).status_code == 200
        else:
            assert response.status_code == 400, response.content
            assert error_codes(response) == ["incorrect_code"]
            assert me_with_token(token).status_code == 401


def pending_flows_of(body: dict) -> list[str]:
    return [flow["id"] for flow in body["data"]["flows"] if flow.get("is_pending")]


def test_it_refuses_a_wrong_code_when_setting_up_and_at_login():
    citizen = UserFactory(citizen=True)
    _, _, token = app_password_login(citizen)
    reauthenticate(token)
    secret = app_get(TOTP, token).json()["meta"]["secret"]
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = post_json(Client(), TOTP, {"code": wrong}, X_Session_Token=token)

    assert response.status_code == 400, response.content
    assert error_codes(response) == ["incorrect_code"]
    assert not Authenticator.objects.filter(user=citizen).exists()

    secret = with_totp(citizen)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    _, _, token = app_password_login(citizen)
    response = post_json(Client(), f"{APP}/auth/2fa/authenticate", {"code": wrong}, X_Session_Token=token)
    assert response.status_code == 400
    assert error_codes(response) == ["incorrect_code"]
    assert me_with_token(token).status_code == 401


def test_it_refuses_a_citizens_totp_code_used_once_already():
    citizen = UserFactory(citizen=True)
    secret = with_totp(citizen)
    code = fresh_totp_code(secret, margin=10)
    assert me_with_token(app_login(citizen, secret, code=code)).status_code == 200

    _, _, token = app_password_login(citizen)
    response = post_json(Client(), f"{APP}/auth/2fa/authenticate", {"code": code}, X_Session_Token=token)

    assert response.status_code == 400, response.content
    assert error_codes(response) == ["incorrect_code"]
    assert me_with_token(token).status_code == 401


# --- the mandatory second factor ---------------------------------------------------------------
def test_it_lets_a_citizen_in_during_the_grace_period_and_reminds_them():
    requiring_jobcenter(days_ago=2, grace_days=30)
    citizen = citizen_joined(days_ago=100)

    status, body, token = app_password_login(citizen)

    assert status == 200, body
    setup = body["meta"]["mfa_setup"]
    assert setup["overdue"] is False
    due_at = timezone.datetime.fromisoformat(setup["due_at"])
    assert timedelta(days=27) < due_at - timezone.now() < timedelta(days=29)
    assert me_with_token(token).status_code == 200
    session = app_get(f"{APP}/auth/session", token)
    assert session.json()["meta"]["mfa_setup"] == setup  # every answer of allauth's API carries it


def test_it_counts_the_grace_period_from_registration_for_a_newer_citizen():
    jobcenter = requiring_jobcenter(days_ago=100, grace_days=14)
    citizen = citizen_joined(days_ago=3)

    due_at = citizen_mfa_due_at(user=citizen)

    assert due_at == citizen.date_joined + timedelta(days=jobcenter.citizen_mfa_grace_days)


@pytest.mark.django_db(transaction=True)  # allauth records the new factor after the commit
def test_it_refuses_the_api_after_the_grace_period_but_lets_the_citizen_set_up_totp():
    requiring_jobcenter(days_ago=40, grace_days=30)
    citizen = citizen_joined(days_ago=100)

    status, body, token = app_password_login(citizen)

    assert status == 200, body  # the login still works: the way to the setup goes through it
    assert body["meta"]["mfa_setup"]["overdue"] is True
    response = me_with_token(token)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert response.json()["mfa_setup"]["overdue"] is True
    assert app_get(AUTHENTICATORS, token).status_code == 200  # setting it up stays open

    activate_totp(token)

    response = me_with_token(token)
    assert response.status_code == 200, response.content
    assert "mfa_setup" not in app_get(f"{APP}/auth/session", token).json()["meta"]


@pytest.mark.django_db(transaction=True)
def test_it_does_not_count_a_factor_added_without_the_password_again(settings):
    settings.MFA_REAUTHENTICATION_REQUIRED = False  # should someone switch it off: a session alone gains nothing
    requiring_jobcenter(days_ago=40, grace_days=30)
    citizen = citizen_joined(days_ago=100)
    _, _, token = app_password_login(citizen)
    secret = app_get(TOTP, token).json()["meta"]["secret"]

    response = post_json(Client(), TOTP, {"code": totp_code(secret)}, X_Session_Token=token)

    assert response.status_code == 200, response.content
    assert me_with_token(token).json()["code"] == "mfa_required"


def test_it_lets_a_citizen_past_the_grace_period_log_out():
    requiring_jobcenter(days_ago=40, grace_days=30)
    citizen = citizen_joined(days_ago=100)
    _, _, token = app_password_login(citizen)

    response = Client().delete(f"{APP}/auth/session", headers={"X-Session-Token": token})

    assert response.status_code == 401  # allauth's answer to a logout: no longer authenticated
    assert me_with_token(token).status_code == 401


def test_it_lets_a_citizen_in_who_uses_the_second_factor():
    requiring_jobcenter(days_ago=40, grace_days=30)
    citizen = citizen_joined(days_ago=100)
    secret = with_totp(citizen)

    token = app_login(citizen, secret)

    assert me_with_token(token).status_code == 200
    assert "mfa_setup" not in app_get(f"{APP}/auth/session", token).json()["meta"]


def test_it_binds_a_citizen_only_to_the_jobcenters_of_their_applications():
    requiring_jobcenter(days_ago=40, grace_days=30)
    other = JobcenterFactory()
    citizen = citizen_joined(days_ago=100)
    ApplicationFactory(applicant=citizen, jobcenter=other)

    status, body, token = app_password_login(citizen)

    assert status == 200
    assert "mfa_setup" not in body["meta"]
    assert me_with_token(token).status_code == 200


def test_it_binds_a_citizen_whose_application_is_with_a_requiring_jobcenter():
    jobcenter = requiring_jobcenter(days_ago=40, grace_days=30)
    JobcenterFactory()
    citizen = citizen_joined(days_ago=100)
    ApplicationFactory(applicant=citizen, jobcenter=jobcenter)

    _, body, token = app_password_login(citizen)

    assert body["meta"]["mfa_setup"]["overdue"] is True
    assert me_with_token(token).json()["code"] == "mfa_required"


def test_it_leaves_citizens_alone_when_no_jobcenter_requires_it():
    JobcenterFactory()
    citizen = citizen_joined(days_ago=100)

    status, body, token = app_password_login(citizen)

    assert status == 200 and "mfa_setup" not in body["meta"]
    assert me_with_token(token).status_code == 200


def test_it_does_not_change_the_rule_for_staff():
    requiring_jobcenter(days_ago=40, grace_days=30)
    staff = UserFactory(staff=True)

    _, body, token = app_password_login(staff)

    assert "mfa_setup" not in body["meta"]
    response = me_with_token(token)
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"
    assert "mfa_setup" not in response.json()


# --- pages -------------------------------------------------------------------------------------
def page_login(user) -> tuple[Client, object]:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    return client, response


def test_it_takes_a_citizen_in_the_grace_period_to_the_second_factor_page_with_a_notice():
    requiring_jobcenter(days_ago=2, grace_days=30)
    citizen = citizen_joined(days_ago=100)

    client, response = page_login(citizen)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    page = client.get("/accounts/2fa/", headers={"Accept-Language": "de"})
    text = page.content.decode()
    assert "Bitte richten Sie bis" in text
    assert 'href="/accounts/2fa/"' in text
    assert client.get("/").status_code == 200  # still free to go on


def test_it_sends_a_citizen_past_the_grace_period_from_pages_to_the_setup():
    requiring_jobcenter(days_ago=40, grace_days=30)
    citizen = citizen_joined(days_ago=100)
    client, _ = page_login(citizen)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    # Setting up asks for the password again first; that page stays open too.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(response["Location"]).status_code == 200
    assert client.post(response["Location"], {"password": PASSWORD}).status_code == 302
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    assert client.get("/accounts/2fa/webauthn/add/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 200


# --- the setting -------------------------------------------------------------------------------
def test_it_starts_the_grace_period_when_the_requirement_is_switched_on_and_audits_it():
    jobcenter = JobcenterFactory()
    admin = UserFactory(admin=True)

    jobcenter = jobcenter_citizen_mfa_update(jobcenter=jobcenter, required=True, grace_days=14, actor=admin)

    assert jobcenter.citizen_mfa_required and jobcenter.citizen_mfa_grace_days == 14
    assert timezone.now() - jobcenter.citizen_mfa_required_since < timedelta(seconds=5)
    event = AuditEvent.objects.get(action=AuditAction.JOBCENTER_CITIZEN_MFA_UPDATE)
    assert event.jobcenter_id == jobcenter.pk and event.object_id == str(jobcenter.public_id)
    assert event.data == {
        "before": {"required": False, "grace_days": 30},
        "after": {"required": True, "grace_days": 14},
    }

    since = jobcenter.citizen_mfa_required_since
    jobcenter = jobcenter_citizen_mfa_update(jobcenter=jobcenter, required=True, grace_days=14, actor=admin)
    assert jobcenter.citizen_mfa_required_since == since
    assert AuditEvent.objects.filter(action=AuditAction.JOBCENTER_CITIZEN_MFA_UPDATE).count() == 1

    jobcenter = jobcenter_citizen_mfa_update(jobcenter=jobcenter, required=False, grace_days=14, actor=admin)
    assert jobcenter.citizen_mfa_required_since is None


def test_it_keeps_the_start_of_the_grace_period_in_the_database():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        JobcenterFactory(citizen_mfa_required=True, citizen_mfa_required_since=None)


def test_it_switches_the_requirement_on_in_the_admin_site():
    jobcenter = JobcenterFactory()
    admin = UserFactory(admin=True)
    client = Client()
    from tests.factories import login

    login(client, admin)
    url = f"/admin/portal/jobcenter/{jobcenter.pk}/change/"
    form = {
        "name": jobcenter.name,
        "slug": jobcenter.slug,
        "email": "",
        "phone": "",
        "reference_prefix": jobcenter.reference_prefix,
        "citizen_mfa_required": "on",
        "citizen_mfa_grace_days": "21",
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    jobcenter.refresh_from_db()
    assert jobcenter.citizen_mfa_required and jobcenter.citizen_mfa_grace_days == 21
    assert jobcenter.citizen_mfa_required_since is not None
    assert AuditEvent.objects.filter(action=AuditAction.JOBCENTER_CITIZEN_MFA_UPDATE, actor=admin).count() == 1


def test_it_reports_the_pending_setup_to_the_browser_client_too():
    requiring_jobcenter(days_ago=2, grace_days=30)
    citizen = citizen_joined(days_ago=100)
    client = Client()

    response = post_json(client, f"{BROWSER}/auth/login", {"email": citizen.email, "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["meta"]["mfa_setup"]["overdue"] is False
    assert client.get(ME).status_code == 200


# --- passkeys in the headless API (the ceremony itself: tests/security/test_passkeys_browser.py) ---
def test_it_offers_a_citizen_passkey_creation_options_for_this_host_after_the_password_again():
    citizen = UserFactory(citizen=True)
    _, _, token = app_password_login(citizen)
    webauthn = f"{APP}/account/authenticators/webauthn"

    assert app_get(f"{webauthn}?passwordless", token).status_code == 401  # reauthentication first
    reauthenticate(token)
    response = app_get(f"{webauthn}?passwordless", token)

    assert response.status_code == 200, response.content
    options = response.json()["data"]["creation_options"]["publicKey"]
    assert options["rp"]["id"] == "testserver"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"


def test_it_offers_the_passkey_login_and_refuses_a_forged_credential():
    citizen = UserFactory(citizen=True)
    client = Client()
    login_url = f"{BROWSER}/auth/webauthn/login"

    response = client.get(login_url)
    assert response.status_code == 200, response.content
    options = response.json()["data"]["request_options"]["publicKey"]
    assert options["userVerification"] == "required"  # a passkey alone must verify its user

    forged = {
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {
            "clientDataJSON": "e30",
            "authenticatorData": "AAAA",
            "signature": "AAAA",
            "userHandle": websafe_encode(str(citizen.pk).encode()),  # names the citizen
        },
        "clientExtensionResults": {},
    }
    response = post_json(client, login_url, {"credential": forged})

    assert response.status_code == 400, response.content
    assert client.get(ME).status_code == 401
