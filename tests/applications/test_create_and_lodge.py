"""POST /applications/ and POST .../lodge/: securing the application date."""

import datetime as dt

import pytest
from django.utils import timezone

from applications.constants import ApplicationStatus
from applications.models import Application, StatusChange, TimelineEvent
from portal.models import AuditEvent
from tests.applications.conftest import api_url
from tests.factories import JobcenterFactory, UserFactory


def test_it_creates_a_draft_at_the_only_jobcenter(citizen_api, citizen, jobcenter):
    citizen_api.credentials(HTTP_ACCEPT_LANGUAGE="en")  # asserts the English source text
    response = citizen_api.post(api_url("application-list"), {}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["reference"] is None and body["lodged_at"] is None
    assert body["jobcenter"]["id"] == str(jobcenter.public_id)
    assert response["Location"] == body["url"]
    assert response["ETag"] == f'"{body["id"]}-{body["version"]}"'
    # The name is prefilled from the account; the form is far from complete.
    assert body["personal"]["first_name"] == citizen.first_name
    assert {"field": "personal.birth_date", "reason": "Enter your date of birth."} in body["missing"]
    application = Application.objects.get(public_id=body["id"])
    assert application.applicant == citizen
    assert AuditEvent.objects.filter(action="application.create", object_id=body["id"]).exists()


def test_it_needs_a_choice_when_there_are_several_jobcenters(citizen_api, jobcenter):
    citizen_api.credentials(HTTP_ACCEPT_LANGUAGE="en")  # asserts the English source text
    other = JobcenterFactory(reference_prefix="LU")

    refused = citizen_api.post(api_url("application-list"), {}, format="json")
    unknown = citizen_api.post(
        api_url("application-list"), {"jobcenter": "00000000-0000-0000-0000-000000000000"}, format="json"
    )
    chosen = citizen_api.post(api_url("application-list"), {"jobcenter": str(other.public_id)}, format="json")

    assert refused.status_code == 400 and "jobcenter" in refused.json()["errors"]
    assert unknown.status_code == 400 and unknown.json()["errors"]["jobcenter"] == [
        "There is no Jobcenter with this id."
    ]
    assert chosen.status_code == 201 and chosen.json()["jobcenter"]["id"] == str(other.public_id)


def test_it_lodges_in_one_step_and_gives_a_reference(citizen_api, jobcenter):
    response = citizen_api.post(api_url("application-list"), {"lodge": True}, format="json")

    body = response.json()
    assert response.status_code == 201
    assert body["status"] == "lodged"
    year = timezone.localdate().year
    assert body["reference"] == f"KL-{year}-000001"
    lodged_at = dt.datetime.fromisoformat(body["lodged_at"])
    assert abs(timezone.now() - lodged_at) < dt.timedelta(minutes=1)
    assert body["effective_from"] == timezone.localdate().replace(day=1).isoformat()
    assert body["complete_by"] == (timezone.localdate() + dt.timedelta(days=28)).isoformat()


def test_it_numbers_references_per_jobcenter_and_year(api_for, jobcenter):
    references = []
    for _ in range(3):
        client = api_for(UserFactory(citizen=True))
        draft = client.post(api_url("application-list"), {}, format="json").json()
        references.append(client.post(api_url("lodge", draft["id"])).json()["reference"])
    year = timezone.localdate().year
    assert references == [f"KL-{year}-{n:06d}" for n in (1, 2, 3)]


def test_it_secures_the_date_of_a_draft_and_lodging_twice_changes_nothing(citizen_api, draft):
    first = citizen_api.post(api_url("lodge", draft["id"]))
    second = citizen_api.post(api_url("lodge", draft["id"]))

    assert first.status_code == 200 and second.status_code == 200
    assert first.json()["lodged_at"] == second.json()["lodged_at"]
    assert first.json()["reference"] == second.json()["reference"]
    application = Application.objects.get(public_id=draft["id"])
    assert StatusChange.objects.filter(application=application, to_status=ApplicationStatus.LODGED).count() == 1
    assert list(TimelineEvent.objects.filter(application=application).values_list("kind", flat=True)) == [
        "created",
        "lodged",
    ]


def test_it_counts_23_30_on_31_march_berlin_time_for_march(citizen_api, draft, monkeypatch):
    # 23:30 in Berlin on 31 March 2026 (summer time) is 21:30 UTC.
    moment = dt.datetime(2026, 3, 31, 21, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)

    body = citizen_api.post(api_url("lodge", draft["id"])).json()

    assert body["lodged_at"] == "2026-03-31T21:30:00+00:00"
    assert body["effective_from"] == "2026-03-01"
    assert body["reference"].startswith("KL-2026-")


def test_it_refuses_a_second_open_application_with_a_link_to_the_first(citizen_api, draft):
    response = citizen_api.post(api_url("application-list"), {"lodge": True}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "open_application_exists"
    assert body["open_application"]["id"] == draft["id"]
    assert body["open_application"]["url"] == draft["url"]
    assert Application.objects.count() == 1


def test_it_allows_a_new_application_after_the_last_was_withdrawn(citizen_api, draft):
    citizen_api.post(api_url("lodge", draft["id"]))
    citizen_api.post(api_url("withdraw", draft["id"]), {"reason": "Mistake"}, format="json")

    response = citizen_api.post(api_url("application-list"), {}, format="json")

    assert response.status_code == 201
    assert Application.objects.count() == 2


def test_it_lists_only_the_citizens_own_applications(citizen_api, draft, api_for):
    api_for(UserFactory(citizen=True)).post(api_url("application-list"), {}, format="json")

    listed = citizen_api.get(api_url("application-list")).json()

    assert [item["id"] for item in listed["results"]] == [draft["id"]]


@pytest.mark.parametrize("role", ["staff", "counsellor"])
def test_it_is_a_citizen_function(api_for, jobcenter, role):
    response = api_for(UserFactory(**{role: True, "jobcenter": jobcenter})).post(
        api_url("application-list"), {}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert not Application.objects.exists()


def test_it_refuses_anonymous_callers(api, jobcenter):
    response = api.post(api_url("application-list"), {}, format="json")
    assert response.status_code in (401, 403)
    assert not Application.objects.exists()
