"""The header's navigation: the citizen's sections, the staff's workbench, the current one marked."""

import re

from django.test import Client

from tests.factories import UserFactory, login


def nav(client, path="/account/") -> str:
    body = client.get(path).content.decode()
    return re.search(r'<nav class="portal-header__nav".*?</nav>', body, re.S).group(0)


def links(html: str) -> list[str]:
    return re.findall(r'<a class="kern-link portal-nav__link" href="([^"]+)"', html)


def test_it_shows_a_citizen_the_sections_and_marks_the_current_one(jobcenter):
    client = Client()
    login(client, UserFactory(citizen=True))
    html = nav(client)
    assert 'aria-label="Hauptnavigation"' in html
    assert links(html) == ["/overview/", "/applications/", "/appointments/", "/account/"]
    assert re.findall(r'href="([^"]+)" aria-current="page"', html) == ["/account/"]
    assert ">Abmelden<" in html and 'action="/accounts/logout/"' in html


def test_it_marks_no_section_on_a_page_outside_them(jobcenter):
    client = Client()
    login(client, UserFactory(citizen=True))
    assert "aria-current" not in nav(client, "/impressum/")


def test_it_shows_staff_the_workbench_instead_of_the_citizen_sections(jobcenter):
    client = Client()
    login(client, UserFactory(staff=True))
    html = nav(client)
    assert links(html) == ["/workbench/", "/account/"]
    assert ">Arbeitsplatz<" in html


def test_it_offers_an_anonymous_visitor_the_login(jobcenter):
    html = nav(Client(), "/")
    assert links(html) == ["/accounts/login/"] and "Abmelden" not in html


def test_it_offers_the_workbench_only_to_the_roles_that_work_there(jobcenter):
    client = Client()
    login(client, UserFactory(counsellor=True))
    # A counsellor: the agenda and the hours, no workbench.
    assert links(nav(client)) == ["/counsel/agenda/", "/counsel/availability/", "/account/"]
