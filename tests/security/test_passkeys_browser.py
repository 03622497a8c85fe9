"""Passkeys for real: headless Chromium (Debian's) with a virtual authenticator
(DevTools WebAuthn domain) against a live daphne. A citizen whose Jobcenter
requires a second factor registers a passkey on the account pages and then
logs in with it alone; a staff member's passkey login opens the staff API.
Both under the strict CSP (allauth's static JS only)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from tests.conftest import require_binary
from tests.factories import PASSWORD, JobcenterFactory, UserFactory
from tests.video.servers import Daphne

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
}
STATUS_OF = "url => fetch(url, {credentials: 'same-origin'}).then(r => r.status)"
SESSION = "() => fetch('/_allauth/browser/v1/auth/session').then(r => r.json())"


def passkey_methods(page) -> list[dict]:
    session = page.evaluate(SESSION)
    return [m for m in session["data"]["methods"] if m.get("method") == "mfa"]


@pytest.fixture(autouse=True)
def _hash_passwords_as_the_server_does(settings):
    """The live server checks passwords with the real hasher, not the tests' fast one."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


@contextlib.contextmanager
def chromium_page():
    """A German Chromium page with a virtual platform authenticator, on a live
    server reached as http://localhost (WebAuthn needs a secure context and a
    domain as its relying party id: not an IP address).

    Playwright's sync API runs an event loop in this thread: the ORM is not
    usable inside the block (create rows before, check them after).
    """
    from playwright.sync_api import sync_playwright

    chromium = require_binary("chromium")
    problems: list[str] = []
    # DEBUG serves allauth's static JS from the installed package.
    with Daphne({"DEBUG": "true"}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        try:
            context = browser.new_context(locale="de-DE", base_url=f"http://localhost:{server.port}")
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            cdp = context.new_cdp_session(page)
            cdp.send("WebAuthn.enable")
            cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
            yield page
        finally:
            browser.close()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def log_in_with_password(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_placeholder("E-Mail-Adresse").fill(user.email)
    page.get_by_placeholder("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmeldung").click()
    page.wait_for_load_state()


def add_passkey(page) -> None:
    """Add a passwordless passkey on the account pages (the password again first)."""
    page.goto("/accounts/2fa/webauthn/add/")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    page.get_by_label("Passwortlos").check()
    page.get_by_role("button", name="Hinzufügen").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")  # the backup codes come along


def log_out(page) -> None:
    page.goto("/accounts/logout/")
    page.get_by_role("main").get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()
    assert page.evaluate(STATUS_OF, "/api/v1/me/") == 401


def log_in_with_passkey(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Mit einem Passkey anmelden").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_it_lets_a_citizen_register_a_passkey_and_log_in_with_it_alone():
    JobcenterFactory(
        citizen_mfa_required=True,
        citizen_mfa_required_since=timezone.now() - timedelta(days=40),
        citizen_mfa_grace_days=30,
    )
    citizen = UserFactory(citizen=True, date_joined=timezone.now() - timedelta(days=100))

    with chromium_page() as page:
        log_in_with_password(page, citizen)
        landed_on = page.url
        before = page.evaluate(STATUS_OF, "/api/v1/me/")
        add_passkey(page)
        after_setup = page.evaluate(STATUS_OF, "/api/v1/me/")
        log_out(page)
        log_in_with_passkey(page)
        after_passkey_login = page.evaluate(STATUS_OF, "/api/v1/me/")
        methods = passkey_methods(page)

    assert landed_on.endswith("/accounts/2fa/")  # past the grace period: sent to the setup
    assert before == 403
    assert after_setup == 200  # setting it up counted for the session
    assert after_passkey_login == 200  # the passkey alone passes the mandatory second factor
    passkey = Authenticator.objects.get(user=citizen, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless is True
    assert [(m["type"], m["id"], m.get("passwordless")) for m in methods] == [("webauthn", passkey.pk, True)]


def test_it_counts_a_staff_members_passkey_login_as_the_second_factor():
    staff = UserFactory(staff=True)

    with chromium_page() as page:
        log_in_with_password(page, staff)
        before = page.evaluate(STATUS_OF, "/api/v1/me/")
        add_passkey(page)
        log_out(page)
        log_in_with_passkey(page)
        me = page.evaluate(STATUS_OF, "/api/v1/me/")
        queue = page.evaluate(STATUS_OF, "/api/v1/queue/stats/")
        methods = passkey_methods(page)

    assert before == 403  # no second factor yet
    assert me == 200
    assert queue == 200  # a staff-only endpoint
    assert [(m["type"], m.get("passwordless")) for m in methods] == [("webauthn", True)]
