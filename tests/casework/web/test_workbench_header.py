"""The header's "Auswertung" (the team lead's dashboard) beside "Arbeitsplatz", the current one marked."""

import re

from django.test import Client

from tests.factories import UserFactory, login


def nav(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return re.search(r'<nav class="portal-header__nav".*?</nav>', response.content.decode(), re.S).group(0)


def links(html: str) -> list[str]:
    return re.findall(r'<a class="kern-link portal-nav__link" href="([^"]+)"', html)


def current(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)" aria-current="page"', html)


def test_a_team_lead_sees_the_dashboard_beside_the_workbench(org):
    client = Client()
    login(client, org.lead, mfa=True)
    html = nav(client, "/account/")
    assert links(html) == ["/workbench/", "/workbench/dashboard/", "/account/"]
    assert '"/workbench/dashboard/">Auswertung</a>' in html
    assert current(html) == ["/account/"]


def test_the_dashboard_link_is_current_on_the_dashboard_and_the_workbench_on_the_queue(org):
    client = Client()
    login(client, org.lead, mfa=True)
    assert current(nav(client, "/workbench/dashboard/")) == ["/workbench/dashboard/"]
    assert current(nav(client, "/workbench/")) == ["/workbench/"]


def test_it_speaks_ukrainian(org):
    client = Client()
    login(client, org.lead, mfa=True)
    assert client.post("/sprache/", {"language": "uk", "next": "/account/"}).status_code == 302
    assert '"/workbench/dashboard/">Звіти</a>' in nav(client, "/account/")


def test_staff_and_counsellors_do_not_see_it(org):
    counsellor = ["/counsel/agenda/", "/counsel/availability/", "/account/"]
    for user, expected in ((org.staff, ["/workbench/", "/account/"]), (org.counsellor, counsellor)):
        client = Client()
        login(client, user, mfa=True)
        assert links(nav(client, "/account/")) == expected
    citizen = Client()
    login(citizen, UserFactory(citizen=True))
    assert "/workbench/dashboard/" not in nav(citizen, "/account/")


def test_a_counsellor_finds_the_agenda_and_the_hours_in_the_header(org):
    client = Client()
    login(client, org.counsellor, mfa=True)
    html = nav(client, "/counsel/agenda/")
    assert '"/counsel/agenda/" aria-current="page">Terminplan</a>' in html
    assert current(nav(client, "/counsel/availability/")) == ["/counsel/availability/"]
