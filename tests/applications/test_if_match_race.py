"""Two devices send the same ``If-Match`` at the same moment: one wins, the other gets 412.

The check must run on the row the service locked. To make the race real and
not a matter of luck, the test itself holds the application's row lock while
both requests start; it lets go only when PostgreSQL shows both requests
waiting for that lock inside the service (so both already passed everything
the view does before). The first to get the lock writes; the second then
finds a newer version (or no row at all) and must be refused.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from applications.constants import ApplicationStatus
from applications.models import Application, HousingCosts, StatusChange
from portal.api.conditional import etag_for
from tests.applications.conftest import api_url
from tests.applications.factories import ApplicationFactory
from tests.factories import login

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 20


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def waiting_for_a_lock(pids: list[int]) -> int:
    """How many of ``pids`` wait for a lock right now (pg_locks is read live, not from a snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid = ANY(%s)", [pids])
        return cursor.fetchone()[0]


def race(application: Application, send) -> list[tuple[str, int, dict | None]]:
    """Run ``send(client, name)`` for two named clients at once while the test holds
    the row lock; release it once both wait for it. Returns (name, status, body) per request."""
    results: list[tuple[str, int, dict | None]] = []
    pids: list[int] = []
    ready = threading.Barrier(3)
    user = application.applicant

    def device(name: str) -> None:
        try:
            client = APIClient()
            login(client, user)
            pids.append(backend_pid())
            ready.wait(WAIT_SECONDS)
            response = send(client, name)
            body = response.json() if response.content else None
            results.append((name, response.status_code, body))
        finally:
            connection.close()

    threads = [threading.Thread(target=device, args=(name,)) for name in ("phone", "laptop")]
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        for thread in threads:
            thread.start()
        ready.wait(WAIT_SECONDS)
        deadline = time.monotonic() + WAIT_SECONDS
        while waiting_for_a_lock(pids) < 2:
            assert time.monotonic() < deadline, "the two requests never both waited for the row lock"
            time.sleep(0.02)
    for thread in threads:
        thread.join(WAIT_SECONDS * 2)
    assert len(results) == 2, results
    return results


def winner_and_loser(results) -> tuple[tuple, tuple]:
    results = sorted(results, key=lambda r: r[1])
    (winner, loser) = results
    assert 200 <= winner[1] < 300, results
    assert loser[1] == 412, results
    assert loser[2]["code"] == "precondition_failed", loser
    return winner, loser


def test_it_lets_only_one_of_two_section_patches_with_the_same_if_match_win():
    application = ApplicationFactory()
    etag = etag_for(application)
    persons = {"phone": 2, "laptop": 3}

    results = race(
        application,
        lambda client, name: client.patch(
            api_url("housing", application.public_id), {"persons": persons[name]}, format="json", HTTP_IF_MATCH=etag
        ),
    )

    winner, _loser = winner_and_loser(results)
    assert winner[2]["persons"] == persons[winner[0]]
    assert HousingCosts.objects.get(application=application).persons == persons[winner[0]]
    application.refresh_from_db()
    assert application.version == 2


def test_it_lets_only_one_of_two_submits_with_the_same_if_match_win():
    application = ApplicationFactory(complete=True)
    etag = etag_for(application)

    results = race(
        application, lambda client, name: client.post(api_url("submit", application.public_id), HTTP_IF_MATCH=etag)
    )

    winner, _loser = winner_and_loser(results)
    assert winner[1] == 200 and winner[2]["status"] == ApplicationStatus.SUBMITTED
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert StatusChange.objects.filter(application=application, to_status=ApplicationStatus.SUBMITTED).count() == 1


def test_it_lets_only_one_of_two_deletes_with_the_same_if_match_win():
    application = ApplicationFactory()
    etag = etag_for(application)

    results = race(
        application,
        lambda client, name: client.delete(api_url("application-detail", application.public_id), HTTP_IF_MATCH=etag),
    )

    winner, _loser = winner_and_loser(results)
    assert winner[1] == 204
    assert not Application.objects.filter(pk=application.pk).exists()
