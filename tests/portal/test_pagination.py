"""``page_size`` on every list: a whole number from 1 to 100, else 400 naming it
(docs/staff-queue.md: "page_size (≤ 100). Bad values get 400 naming the parameter")."""

from __future__ import annotations

import pytest

from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCATIONS = "/api/v1/locations/"  # page-numbered (PagePagination)
QUEUE = "/api/v1/queue/applications/"  # cursor-paged (StableCursorPagination)


def assert_names_page_size(response, message_part: str) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation"
    assert list(body["errors"]) == ["page_size"]
    assert message_part in body["errors"]["page_size"][0]


@pytest.mark.parametrize(
    "value, message_part",
    [
        ("abc", "whole number"),
        ("2.5", "whole number"),
        ("0", "at least 1"),
        ("-3", "at least 1"),
        ("101", "at most 100"),
    ],
)
def test_it_refuses_a_bad_page_size_on_a_page_numbered_list(api, value, message_part):
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    assert_names_page_size(api.get(LOCATIONS, {"page_size": value}), message_part)


@pytest.mark.parametrize("value, message_part", [("abc", "whole number"), ("0", "at least 1"), ("500", "at most 100")])
def test_it_refuses_a_bad_page_size_on_a_cursor_paged_list(api_for, value, message_part):
    client = api_for(UserFactory(staff=True))
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    assert_names_page_size(client.get(QUEUE, {"page_size": value}), message_part)


def test_it_pages_by_a_good_page_size(api):
    for _ in range(3):
        LocationFactory()

    first = api.get(LOCATIONS, {"page_size": "2"}).json()
    assert len(first["results"]) == 2
    assert first["count"] == 3
    assert len(api.get(LOCATIONS, {"page_size": "100"}).json()["results"]) == 3
    assert len(api.get(LOCATIONS).json()["results"]) == 3
