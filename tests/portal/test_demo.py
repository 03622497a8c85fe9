"""``manage.py seed_demo`` (idempotent) and ``manage.py demo_totp`` (DEBUG only)."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from portal.demo import DEMO_PASSWORD, demo_email
from portal.models import Jobcenter, Location, Team, User

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "jobcenters": Jobcenter.objects.count(),
        "teams": Team.objects.count(),
        "locations": Location.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "authenticators": Authenticator.objects.count(),
        "memberships": User.groups.through.objects.count(),
        "team_memberships": User.teams.through.objects.count(),
        "groups": Group.objects.count(),
    }


def test_it_creates_the_demo_organisation_and_logins():
    output = seed()
    kl = Jobcenter.objects.get(slug="kaiserslautern")
    assert Team.objects.filter(jobcenter=kl).count() == 4
    assert Location.objects.get(jobcenter=kl).city == "Kaiserslautern"
    roles = {
        User.objects.get(email=demo_email(local)).roles
        for local in ("buerger", "beratung", "leistung", "teamleitung", "admin")
    }
    assert roles == {frozenset({r}) for r in ("citizen", "counsellor", "staff", "team_lead", "admin")}
    assert DEMO_PASSWORD in output
    assert "manage.py demo_totp " + demo_email("leistung") in output
    assert "demo_totp " + demo_email("buerger") not in output  # citizens need no second factor


def test_it_changes_nothing_when_run_twice():
    seed()
    staff = User.objects.get(email=demo_email("leistung"))
    before = counts()
    secret_before = Authenticator.objects.get(user=staff).data
    seed()
    assert counts() == before
    assert Authenticator.objects.get(user=staff).data == secret_before


def test_it_gives_demo_logins_that_work():
    seed()
    browser = Client()
    response = browser.post(
        "/_allauth/browser/v1/auth/login",
        {"email": demo_email("buerger"), "password": DEMO_PASSWORD},
        "application/json",
    )
    assert response.status_code == 200, response.content


def test_it_prints_a_totp_code_that_the_demo_account_accepts(settings):
    seed()
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_totp", demo_email("leistung"), stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    authenticator = Authenticator.objects.get(user__email=demo_email("leistung"), type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(code)


def test_it_refuses_demo_totp_when_debug_is_off(settings):
    seed()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only printed when DEBUG is on"):
        call_command("demo_totp", demo_email("leistung"), stdout=StringIO())


def test_it_refuses_demo_totp_for_real_accounts(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="only demo accounts"):
        call_command("demo_totp", "someone@jobcenter.example", stdout=StringIO())
