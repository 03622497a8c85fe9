"""The apply pages with Django's test client: secure the date, the steps, review, submit."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override

from applications.constants import ApplicationStatus, Relationship
from applications.models import Application, HouseholdMember, IncomeEntry
from portal.api.conditional import etag_for
from portal.models import IdempotencyRecord
from tests.applications.factories import ApplicationFactory
from tests.factories import JobcenterFactory, UserFactory, login

pytestmark = pytest.mark.django_db


def url(name: str, application=None, **kw) -> str:
    if application is not None:
        kw["application_id"] = application.public_id
    return reverse(f"applications_web:{name}", kwargs=kw)


@pytest.fixture
def jobcenter(db):
    return JobcenterFactory(name="Jobcenter Kaiserslautern", slug="kaiserslautern", reference_prefix="KL")


@pytest.fixture
def browser(client, citizen):
    login(client, citizen)
    return client


@pytest.fixture
def application(browser, jobcenter):
    response = browser.post(url("start"))
    assert response.status_code == 302
    return Application.objects.get()


def version(application) -> str:
    application.refresh_from_db()
    return etag_for(application)


def post_step(client, application, step, data, action="next"):
    return client.post(url("step", application, step=step), {"version": version(application), "action": action, **data})


PERSONAL = {
    "first_name": "Olena",
    "last_name": "Kovalenko",
    "birth_date": "1988-05-17",
    "birth_place": "Kyiv",
    "nationality": "ua",
    "marital_status": "single",
    "street": "Marktstraße 1",
    "postcode": "67655",
    "city": "Kaiserslautern",
}


# --- secure the date -------------------------------------------------------------------------
def test_it_secures_the_date_with_one_button_and_shows_reference_and_month(browser, jobcenter):
    page = browser.get(url("start"))
    assert "Antragsdatum sichern" in page.content.decode()

    response = browser.post(url("start"))

    application = Application.objects.get()
    assert application.status == ApplicationStatus.LODGED
    assert application.reference.startswith("KL-")
    assert response["Location"] == url("secured", application)
    shown = browser.get(response["Location"]).content.decode()
    assert application.reference in shown
    assert url("step", application, step="personal") in shown


def test_it_takes_a_citizen_with_an_open_application_to_it_instead_of_a_second_one(browser, application):
    response = browser.post(url("start"))

    assert Application.objects.count() == 1
    assert response["Location"] == url("secured", application)


def test_it_sends_the_anonymous_to_the_login_with_next(client, jobcenter):
    response = client.post(url("start"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + url("start")
    assert not Application.objects.exists()


def test_it_refuses_staff(client, jobcenter):
    login(client, UserFactory(staff=True, jobcenter=jobcenter))

    assert client.post(url("start")).status_code == 403
    assert not Application.objects.exists()


# --- steps -----------------------------------------------------------------------------------
def test_it_saves_the_personal_step_through_the_service_and_goes_on(browser, application):
    response = post_step(browser, application, "personal", PERSONAL)

    assert response.status_code == 302
    assert response["Location"] == url("step", application, step="household")
    applicant = application.members.get(relationship=Relationship.APPLICANT)
    assert (applicant.first_name, applicant.birth_date, applicant.nationality) == ("Olena", dt.date(1988, 5, 17), "UA")
    application.refresh_from_db()
    assert (application.postcode, application.city) == ("67655", "Kaiserslautern")


def test_it_shows_the_saved_step_again_on_any_device_in_any_language(browser, application):
    post_step(browser, application, "personal", PERSONAL)

    html = browser.get(url("step", application, step="personal"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()

    assert 'lang="uk"' in html
    assert 'value="1988-05-17"' in html  # a date input takes ISO dates only, whatever the language
    assert 'value="Kyiv"' in html
    assert f'href="{url("step", application, step="personal")}" aria-current="step"' in html


def test_it_saves_on_back_too(browser, application):
    response = post_step(browser, application, "housing", {"housing_type": "rent", "base_rent": "420,50"}, "back")

    assert response["Location"] == url("step", application, step="household")
    application.housing.refresh_from_db()
    assert str(application.housing.base_rent) == "420.50"


def test_it_names_an_invalid_field_at_the_field_and_in_the_summary_and_keeps_the_rest(browser, application):
    response = post_step(browser, application, "personal", {**PERSONAL, "postcode": "123"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_postcode"' in html  # in the summary
    assert 'id="id_postcode-error"' in html  # at the field
    assert 'aria-invalid="true"' in html
    assert 'value="123"' in html  # what the person typed
    application.refresh_from_db()
    assert application.postcode == ""
    assert application.city == "Kaiserslautern"  # the valid fields were saved


def test_it_refuses_a_stale_form_with_a_message_and_keeps_what_was_typed(browser, application):
    stale = version(application)
    post_step(browser, application, "housing", {"housing_type": "rent"}, "save")  # another device

    response = browser.post(url("step", application, step="personal"), {"version": stale, "action": "next", **PERSONAL})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Ihr Antrag wurde zwischenzeitlich geändert" in html
    assert 'value="Kyiv"' in html
    assert application.members.get(relationship=Relationship.APPLICANT).birth_place == ""
    assert f'value="{version(application)}"' in html.replace("&quot;", '"')


def test_it_adds_and_removes_a_household_member(browser, application):
    response = post_step(
        browser,
        application,
        "household",
        {
            "member-relationship": "child",
            "member-first_name": "Sofiia",
            "member-last_name": "Kovalenko",
            "member-birth_date": "2015-02-03",
        },
        "add",
    )
    assert response["Location"] == url("step", application, step="household")
    child = application.members.get(relationship=Relationship.CHILD)
    assert child.first_name == "Sofiia"
    assert "Sofiia Kovalenko" in browser.get(response["Location"]).content.decode()

    response = post_step(browser, application, "household", {}, f"remove:{child.public_id}")

    assert response["Location"] == url("step", application, step="household")
    assert not HouseholdMember.objects.filter(pk=child.pk).exists()


def test_it_cannot_remove_the_applicant_or_what_is_not_there(browser, application):
    applicant = application.members.get(relationship=Relationship.APPLICANT)

    response = post_step(browser, application, "household", {}, f"remove:{applicant.public_id}")
    assert response.status_code == 409
    with override("de"):
        assert gettext("The applicant cannot be removed from the household.") in response.content.decode()
    assert post_step(browser, application, "household", {}, "remove:not-a-uuid").status_code == 404
    assert post_step(browser, application, "income", {}, f"remove:{uuid.uuid4()}").status_code == 404
    assert application.members.filter(pk=applicant.pk).exists()


def test_it_requires_the_relationship_of_a_new_person(browser, application):
    response = post_step(browser, application, "household", {"member-first_name": "Sofiia"}, "add")

    assert response.status_code == 400
    assert 'href="#id_member-relationship"' in response.content.decode()
    assert application.members.count() == 1


def test_it_adds_an_income_entry_and_answers_the_question(browser, application):
    applicant = application.members.get(relationship=Relationship.APPLICANT)
    response = post_step(
        browser,
        application,
        "income",
        {
            "has_income": "true",
            "income-member": str(applicant.public_id),
            "income-kind": "employment",
            "income-gross_monthly": "1200,00",
            "income-net_monthly": "950",
        },
    )

    assert response["Location"] == url("step", application, step="assets")
    entry = IncomeEntry.objects.get()
    assert (entry.member, str(entry.gross_monthly), str(entry.net_monthly)) == (applicant, "1200.00", "950.00")
    application.refresh_from_db()
    assert application.has_income is True


def test_it_rejects_an_invalid_iban_with_the_apis_message(browser, application):
    response = post_step(browser, application, "bank-account", {"iban": "DE00 1234", "account_holder": "O. K."})

    assert response.status_code == 400
    assert 'href="#id_iban"' in response.content.decode()
    application.bank_account.refresh_from_db()
    assert application.bank_account.iban == ""
    assert application.bank_account.account_holder == "O. K."


def test_it_gives_404_for_another_citizens_application(client, application):
    login(client, UserFactory(citizen=True))

    assert client.get(url("step", application, step="personal")).status_code == 404
    assert client.post(url("step", application, step="personal"), PERSONAL).status_code == 404
    assert client.get(url("review", application)).status_code == 404
    assert client.post(url("submit", application), {}).status_code == 404
    assert client.get(url("receipt", application)).status_code == 404
    assert application.members.get(relationship=Relationship.APPLICANT).birth_place == ""


def test_it_sends_a_submitted_application_from_the_steps_to_its_page(browser, citizen, jobcenter):
    application = ApplicationFactory(submitted=True, applicant=citizen, jobcenter=jobcenter)

    response = browser.post(url("step", application, step="personal"), {**PERSONAL, "first_name": "X"})

    assert response["Location"] == url("detail", application)
    assert application.members.get(relationship=Relationship.APPLICANT).first_name != "X"


# --- review and submit -----------------------------------------------------------------------
def complete(client, application) -> None:
    applicant = application.members.get(relationship=Relationship.APPLICANT)
    steps = [
        ("personal", PERSONAL),
        (
            "housing",
            {
                "housing_type": "rent",
                "floor_area_m2": "48,5",
                "persons": "1",
                "base_rent": "420",
                "service_charges": "110",
                "heating_costs": "75",
            },
        ),
        ("income", {"has_income": "false"}),
        ("assets", {"has_assets": "false"}),
        (
            "health-insurance",
            {f"hi-{applicant.public_id}-kind": "statutory", f"hi-{applicant.public_id}-insurer": "AOK"},
        ),
        ("bank-account", {"iban": "DE89 3704 0044 0532 0130 00", "account_holder": "Olena Kovalenko"}),
    ]
    for step, data in steps:
        response = post_step(client, application, step, data)
        assert response.status_code == 302, (step, response.content.decode())


def test_the_review_lists_what_is_missing_with_links_to_the_step(browser, application):
    html = browser.get(url("review", application)).content.decode()

    assert url("step", application, step="personal") + "#id_birth_date" in html
    assert "Persönliche Daten: Geben Sie Ihr Geburtsdatum an." in html
    assert url("step", application, step="bank-account") + "#id_iban" in html
    assert 'name="idempotency_key"' not in html  # nothing to submit yet


def test_it_submits_once_for_a_double_click_and_both_land_on_the_confirmation(browser, application):
    complete(browser, application)
    html = browser.get(url("review", application)).content.decode()
    assert 'name="idempotency_key"' in html
    form = {"version": version(application), "idempotency_key": str(uuid.uuid4())}

    first = browser.post(url("submit", application), form)
    second = browser.post(url("submit", application), form)

    assert first["Location"] == second["Location"] == url("submitted", application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.timeline.filter(kind="submitted").count() == 1
    assert IdempotencyRecord.objects.get(key=form["idempotency_key"]).completed
    shown = browser.get(url("submitted", application)).content.decode()
    assert application.reference in shown
    pdf = browser.get(url("receipt", application))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_it_sends_an_incomplete_submission_back_to_the_review(browser, application):
    response = browser.post(url("submit", application), {"version": version(application), "idempotency_key": "k1"})

    assert response["Location"] == url("review", application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.LODGED
    assert not IdempotencyRecord.objects.filter(key="k1").exists()  # the key may be used again


def test_it_sends_a_stale_submission_back_to_the_review(browser, application):
    complete(browser, application)
    stale = version(application)
    post_step(browser, application, "housing", {"housing_type": "rent", "base_rent": "430"}, "save")

    response = browser.post(url("submit", application), {"version": stale, "idempotency_key": "k2"})

    assert response["Location"] == url("review", application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.LODGED


def test_the_receipt_is_404_before_submission(browser, application):
    assert browser.get(url("receipt", application)).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_with_one_key_submit_once(client, citizen, jobcenter):
    login(client, citizen)
    client.post(url("start"))
    application = Application.objects.get()
    complete(client, application)
    form = {"version": version(application), "idempotency_key": str(uuid.uuid4())}
    clicks = [Client(), Client()]  # one browser, two requests: each its own connection
    for each in clicks:
        login(each, citizen)
    barrier = threading.Barrier(2)
    locations = []

    def post(each):
        try:
            barrier.wait()
            locations.append(each.post(url("submit", application), form)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(each,)) for each in clicks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert locations == [url("submitted", application)] * 2
    assert application.timeline.filter(kind="submitted").count() == 1
    assert IdempotencyRecord.objects.get(key=form["idempotency_key"]).completed


def test_every_apply_page_has_one_h1_and_no_inline_script_or_style(browser, application):
    def check(page):
        response = browser.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert html.count("<h1") == 1, page
        assert " style=" not in html and "<style" not in html, page
        assert all('src="' in tag.split(">", 1)[0] for tag in html.split("<script")[1:]), page

    check(url("secured", application))
    for step in ("personal", "household", "housing", "income", "assets", "health-insurance", "bank-account"):
        check(url("step", application, step=step))
    check(url("review", application))
    complete(browser, application)
    browser.post(url("submit", application), {"version": version(application), "idempotency_key": "k3"})
    check(url("submitted", application))
    check(url("start"))  # with the open application


def test_it_changes_a_household_member_through_the_same_service_as_the_api(browser, application):
    post_step(browser, application, "household", {"member-relationship": "child", "member-first_name": "Sofiia"}, "add")
    child = application.members.get(relationship=Relationship.CHILD)
    page = browser.get(url("step", application, step="household") + f"?edit={child.public_id}").content.decode()
    assert 'name="edit_member"' in page and 'value="Sofiia"' in page

    response = post_step(
        browser,
        application,
        "household",
        {
            "edit_member": str(child.public_id),
            "edit-relationship": "child",
            "edit-first_name": "Sofiia",
            "edit-last_name": "Kovalenko",
            "edit-birth_date": "2015-02-03",
        },
    )

    assert response["Location"] == url("step", application, step="housing")
    child.refresh_from_db()
    assert (child.last_name, child.birth_date) == ("Kovalenko", dt.date(2015, 2, 3))
    other = ApplicationFactory(jobcenter=application.jobcenter)
    stranger = other.members.get()
    assert browser.get(url("step", application, step="household") + f"?edit={stranger.public_id}").status_code == 404
