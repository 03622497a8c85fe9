"""Saving a step's field as the person leaves it (htmx): the same step URL and
services as the buttons, a partial answer with out-of-band swaps (apply.py ``_autosaved``)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.constants import Relationship
from applications.models import Application, HouseholdMember, IncomeEntry
from portal.api.conditional import etag_for
from tests.applications.factories import ApplicationFactory
from tests.factories import JobcenterFactory, UserFactory, login

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def step_url(application, step: str) -> str:
    return reverse("applications_web:step", kwargs={"application_id": application.public_id, "step": step})


@pytest.fixture
def browser(client, citizen):
    login(client, citizen)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def application(browser):
    JobcenterFactory(name="Jobcenter Kaiserslautern", slug="kaiserslautern", reference_prefix="KL")
    assert browser.post(reverse("applications_web:start")).status_code == 302
    return Application.objects.get()


def version(application) -> str:
    application.refresh_from_db()
    return etag_for(application)


def autosave(client, application, step: str, data: dict, field: str, *, stale: str | None = None):
    payload = {"version": stale or version(application), "autosave": field, **data}
    return client.post(step_url(application, step), payload, headers=HTMX)


def oob_version(html: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="([^"]*)" class="apply-version" hx-swap-oob', html)
    assert match, html
    return match.group(1).replace("&quot;", '"')


def test_the_step_form_posts_on_change_to_its_own_url_and_works_without_it(browser, application):
    html = browser.get(step_url(application, "personal")).content.decode()

    form = re.search(r'<form method="post" novalidate[^>]*>', html).group(0)
    assert f'hx-post="{step_url(application, "personal")}"' in form
    assert 'hx-trigger="change"' in form and 'hx-swap="none"' in form
    assert 'id="apply-autosave-status" role="status"' in html
    assert "applications/autosave.js" in html and "htmx.min.js" in html
    assert 'id="id_first_name-field"' in html  # the target of the field's swap


def test_it_saves_the_field_through_the_service_and_answers_with_the_new_version(browser, application):
    before = version(application)

    response = autosave(browser, application, "personal", {"first_name": "Olena", "city": "Kaiserslautern"}, "city")

    assert response.status_code == 200 and "Location" not in response
    application.refresh_from_db()
    assert application.city == "Kaiserslautern"
    assert application.members.get(relationship=Relationship.APPLICANT).first_name == "Olena"
    html = response.content.decode()
    assert oob_version(html) == version(application) != before
    assert 'id="id_city-field" hx-swap-oob="true"' in html and 'value="Kaiserslautern"' in html
    assert "City saved." in html
    assert "<h1" not in html  # a partial, not the page


def test_the_next_save_with_the_answered_version_is_not_stale(browser, application):
    first = autosave(browser, application, "housing", {"housing_type": "rent"}, "housing_type")
    second = browser.post(
        step_url(application, "housing"),
        {
            "version": oob_version(first.content.decode()),
            "housing_type": "rent",
            "base_rent": "420,50",
            "action": "next",
        },
    )

    assert second.status_code == 302
    application.housing.refresh_from_db()
    assert str(application.housing.base_rent) == "420.50"


def test_it_shows_an_invalid_field_at_the_field_and_keeps_the_valid_ones(browser, application):
    response = autosave(browser, application, "personal", {"postcode": "123", "city": "Kaiserslautern"}, "postcode")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_postcode-field" hx-swap-oob="true"' in html
    assert 'id="id_postcode-error"' in html and 'aria-invalid="true"' in html and 'value="123"' in html
    assert "Not saved: Postcode:" in html
    application.refresh_from_db()
    assert (application.postcode, application.city) == ("", "Kaiserslautern")
    assert oob_version(html) == version(application)


def test_it_answers_a_stale_form_with_the_message_and_saves_nothing(browser, application):
    stale = version(application)
    autosave(browser, application, "housing", {"housing_type": "rent"}, "housing_type")  # another window

    response = autosave(browser, application, "personal", {"city": "Mainz"}, "city", stale=stale)

    html = response.content.decode()
    assert "changed meanwhile" in html
    assert oob_version(html) == stale  # the buttons still meet the stale version and say so
    application.refresh_from_db()
    assert application.city == ""


def test_it_never_adds_a_person_or_an_entry_on_leaving_a_field(browser, application):
    applicant = application.members.get(relationship=Relationship.APPLICANT)
    autosave(
        browser,
        application,
        "household",
        {"member-first_name": "Taras", "member-relationship": "child"},
        "member-first_name",
    )
    response = autosave(
        browser,
        application,
        "income",
        {"has_income": "true", "income-member": str(applicant.public_id), "income-kind": "employment"},
        "income-kind",
    )

    assert HouseholdMember.objects.filter(application=application).count() == 1
    assert not IncomeEntry.objects.exists()
    application.refresh_from_db()
    assert application.has_income is True  # the step's own question is saved
    assert response.status_code == 200


def test_it_refuses_an_autosave_on_another_citizens_application(browser, application):
    stranger = ApplicationFactory()
    response = browser.post(step_url(stranger, "personal"), {"city": "Mainz", "autosave": "city"}, headers=HTMX)

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.city != "Mainz"


def test_it_refuses_an_autosave_for_staff(client, application):
    login(client, UserFactory(staff=True, jobcenter=application.jobcenter))

    response = client.post(step_url(application, "personal"), {"city": "Mainz", "autosave": "city"}, headers=HTMX)

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.city == ""
