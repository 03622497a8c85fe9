"""The team lead's dashboard (/workbench/dashboard/) and its CSV downloads, on data with known figures."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, time, timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from applications.constants import ApplicationStatus as S
from applications.constants import DocumentRequestStatus
from applications.models import DocumentRequest
from appointments.constants import AppointmentStatus
from casework.deadlines import add_months
from portal.clock import berlin_date, berlin_datetime, berlin_month_start
from portal.models import AuditEvent
from tests.appointments.factories import AppointmentFactory, AppointmentTypeFactory
from tests.casework.factories import ApplicationFactory
from tests.factories import UserFactory, login

URL = "/workbench/dashboard/"


def client_for(user, *, mfa: bool = True) -> Client:
    client = Client()
    login(client, user, mfa=mfa)
    return client


def tables_of(html: str) -> dict[str, list[list[str]]]:
    """The body rows of each figure's table, keyed by the figure's slug."""
    found = {}
    for slug, section in re.findall(
        r'<section class="dashboard-figure" aria-labelledby="([\w-]+)-heading">(.*?)</section>', html, re.S
    ):
        rows = re.findall(r'<tr class="kern-table__row">((?:<td.*?</td>)+)</tr>', section, re.S)
        found[slug] = [[unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]
    return found


def csv_rows(response) -> list[list[str]]:
    body = response.content
    assert body.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def figures(org):
    """Known data in Jobcenter A: decisions last month, a queue of four, an overdue request, appointments."""
    today = berlin_date(timezone.now())
    last_month = add_months(berlin_month_start(today), -1)
    decided_at = berlin_datetime(last_month + timedelta(days=2), time(12))
    for took in (10, 20, 30, 40):
        ApplicationFactory(
            jobcenter=org.a,
            team=org.team1,
            status=S.APPROVED,
            decided_at=decided_at,
            lodged_at=decided_at - timedelta(days=took),
        )
    ApplicationFactory(
        jobcenter=org.a,
        team=org.team2,
        status=S.REJECTED,
        decided_at=decided_at,
        lodged_at=decided_at - timedelta(days=5),
    )

    def lodged(days_ago: int):
        return berlin_datetime(today - timedelta(days=days_ago), time(12))

    ApplicationFactory(jobcenter=org.a, team=org.team1, lodged_at=lodged(3))
    with_request = ApplicationFactory(jobcenter=org.a, team=org.team1, status=S.IN_REVIEW, lodged_at=lodged(40))
    soon = ApplicationFactory(
        jobcenter=org.a, team=org.team1, status=S.DOCUMENTS_REQUESTED, lodged_at=lodged(165), reference="A-2026-SOON"
    )
    ApplicationFactory(jobcenter=org.a, team=org.team1, status=S.IN_REVIEW, lodged_at=lodged(200))
    ApplicationFactory(jobcenter=org.b, team=org.team_b, lodged_at=lodged(165))  # another Jobcenter
    DocumentRequest.objects.create(
        application=with_request,
        description="Kontoauszüge",
        legal_basis="§60 SGB I",
        consequences_text="z",
        consequences_version="1",
        deadline=today - timedelta(days=2),
        status=DocumentRequestStatus.OPEN,
    )
    kind = AppointmentTypeFactory(jobcenter=org.a)
    at = berlin_datetime(last_month + timedelta(days=3), time(9))
    for hour, status in enumerate((AppointmentStatus.ATTENDED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)):
        AppointmentFactory(appointment_type=kind, start=at + timedelta(hours=hour), status=status)
    return {"today": today, "last_month": last_month, "soon": soon}


def test_it_shows_the_jobcenters_figures_in_tables_and_charts(org, figures):
    response = client_for(org.lead).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    tables = tables_of(html)

    assert ["Eingereicht", "1"] in tables["states"]
    assert ["In Bearbeitung", "2"] in tables["states"]
    assert ["Bewilligt", "4"] in tables["states"]
    assert ["Abgelehnt", "1"] in tables["states"]
    assert [row[1] for row in tables["age"]] == ["1", "0", "1", "1", "1"]
    last_row = tables["processing"][-2]  # last month; the current month has no decision yet
    assert last_row[1:] == ["5", "20,0", "36,0"]
    assert tables["processing"][-1][1:] == ["0", "–", "–"]
    assert len(tables["processing"]) == 12
    assert len(tables["deadlines"]) == 1
    soon = tables["deadlines"][0]
    assert soon[0] == "A-2026-SOON" and soon[1] == "Leistung A-K"
    assert soon[5] == str((add_months(figures["today"] - timedelta(days=165), 6) - figures["today"]).days)
    assert ["Leistung A-K", "1"] in tables["overdue"] and ["Leistung L-Z", "0"] in tables["overdue"]
    assert tables["appointments"][-2][1:] == ["2", "1"]

    # Each chart is an image with its title and description, the values as text.
    assert html.count('<svg class="chart" role="img" aria-labelledby="chart-') == 5
    assert '<title id="chart-processing-title">' in html and '<desc id="chart-processing-desc">' in html
    assert ">36,0</text>" in html
    assert "style=" not in html


def test_it_shows_one_team_when_chosen(org, figures):
    response = client_for(org.lead).get(URL, {"team": str(org.team2.public_id)})
    tables = tables_of(response.content.decode())
    assert tables["processing"][-2][1:] == ["1", "5,0", "5,0"]
    assert tables["deadlines"] == []
    assert tables["overdue"] == [["Leistung L-Z", "0"]]
    assert "Leistung L-Z</option>" in response.content.decode()


def test_it_downloads_each_table_as_csv_with_the_same_rows(org, figures):
    client = client_for(org.lead)
    tables = tables_of(client.get(URL).content.decode())
    for slug in ("states", "age", "processing", "overdue", "appointments", "deadlines"):
        response = client.get(f"/workbench/dashboard/{slug}.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="dashboard-{slug}-{figures["today"].isoformat()}.csv"'
        )
        header, *rows = csv_rows(response)
        assert rows == [[cell if cell != "–" else "" for cell in row] for row in tables[slug]], slug
    assert header[0] == "Aktenzeichen"


def test_it_records_who_read_the_cases_near_their_deadline(org, figures):
    client_for(org.lead).get(URL)
    event = AuditEvent.objects.get(action="queue.list", object_id="inaction_deadline")
    assert event.actor_id == org.lead.pk
    assert event.data == {"applications": [str(figures["soon"].public_id)]}


def test_the_api_stats_carry_the_same_figures(org, figures, api_for):
    body = api_for(org.lead).get("/api/v1/queue/stats/").json()["jobcenter"]
    assert body["queue"]["size"] == 4
    assert body["inaction_deadline_within_30_days"] == 1
    assert body["processing_days_by_month"][-2] == {
        "month": figures["last_month"].strftime("%Y-%m"),
        "count": 5,
        "median_days": 20.0,
        "p90_days": 36.0,
    }


def test_it_sends_the_anonymous_to_the_login(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].endswith("?next=/workbench/dashboard/")


@pytest.mark.parametrize("who", ["staff", "counsellor", "citizen"])
def test_it_refuses_everyone_but_team_leads(org, figures, who):
    user = UserFactory(citizen=True) if who == "citizen" else getattr(org, who)
    response = client_for(user).get(URL)
    assert response.status_code == 403
    html = response.content.decode()
    assert "A-2026-SOON" not in html and "dashboard-figure" not in html
    assert client_for(user).get("/workbench/dashboard/states.csv").status_code == 403


def test_it_asks_a_team_lead_for_the_second_factor(org, figures):
    response = client_for(org.lead, mfa=False).get(URL)
    assert response.status_code == 403
    assert "zweiten Faktor" in response.content.decode()
    assert "dashboard-figure" not in response.content.decode()


def test_it_does_not_know_a_team_of_another_jobcenter(org, figures):
    client = client_for(org.lead)
    assert client.get(URL, {"team": str(org.team_b.public_id)}).status_code == 404
    assert client.get(URL, {"team": "not-a-uuid"}).status_code == 404
    assert client.get("/workbench/dashboard/secrets.csv").status_code == 404


def test_a_lead_of_another_jobcenter_sees_only_their_own(org, figures):
    tables = tables_of(client_for(org.lead_b).get(URL).content.decode())
    assert ["Eingereicht", "1"] in tables["states"]
    assert ["Bewilligt", "0"] in tables["states"]
    assert [row[0] for row in tables["deadlines"]] != ["A-2026-SOON"]
    assert tables["overdue"] == [["Leistung B", "0"]]


def test_the_30_days_include_today_and_the_30th_day_but_not_expired_cases(org):
    """Lodged on day d, the §88 SGG period ends on add_months(d, 6): the list holds
    the periods ending today to today + 30, the API's count the same."""
    from casework import selectors

    today = date(2026, 12, 7)
    now = berlin_datetime(today, time(12))
    ends = {"yesterday": -1, "today": 0, "day 30": 30, "day 31": 31}
    for name, days in ends.items():
        lodged_on = add_months(today + timedelta(days=days), -6)
        assert add_months(lodged_on, 6) == today + timedelta(days=days)
        ApplicationFactory(
            jobcenter=org.a, team=org.team1, lodged_at=berlin_datetime(lodged_on, time(9)), reference=name
        )

    cases = selectors.inaction_deadline_cases_for_staff(user=org.lead, today=today)
    assert [(c.reference, c.clock.days_left) for c in cases] == [("today", 0), ("day 30", 30)]
    stats = selectors.queue_stats(jobcenter_id=org.a.pk, now=now)
    assert stats["jobcenter"]["inaction_deadline_within_30_days"] == 2
    assert stats["jobcenter"]["queue"]["size"] == 4


def test_a_team_name_like_a_formula_stays_text_in_the_csv(org):
    org.team2.name = '=HYPERLINK("http://evil.example")'
    org.team2.save()
    _header, *rows = csv_rows(client_for(org.lead).get("/workbench/dashboard/overdue.csv"))
    assert ['\'=HYPERLINK("http://evil.example")', "0"] in rows
