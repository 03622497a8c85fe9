"""``Idempotency-Key`` on POSTs: a retried request returns the first response
instead of creating a second row (tested on a test-only endpoint that creates
a row; the feature apps use the same decorator on their submit endpoints)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portal.models import AuditEvent, IdempotencyRecord
from tests.factories import UserFactory, login
from tests.portal.testonly_urls import TEST_ACTION

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.testonly_urls")]
URL = "/api/v1/test/notes/"


def created_rows() -> int:
    return AuditEvent.objects.filter(action=TEST_ACTION, object_type="note").count()


def test_it_returns_the_first_response_for_a_retry_with_the_same_key(citizen_api):
    first = citizen_api.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == 201
    again = citizen_api.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert created_rows() == 1


def test_it_refuses_the_same_key_with_a_different_body(citizen_api):
    citizen_api.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="key-2")
    response = citizen_api.post(URL, {"text": "other"}, format="json", HTTP_IDEMPOTENCY_KEY="key-2")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in response.json()["errors"]
    assert created_rows() == 1


def test_it_keeps_keys_apart_per_user(citizen_api):
    other = APIClient()
    login(other, UserFactory(citizen=True))
    a = citizen_api.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    b = other.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert created_rows() == 2


def test_it_does_the_work_again_without_a_key(citizen_api):
    citizen_api.post(URL, {"text": "hello"}, format="json")
    citizen_api.post(URL, {"text": "hello"}, format="json")
    assert created_rows() == 2


def test_it_lets_the_client_fix_its_input_and_retry_with_the_same_key(citizen_api):
    bad = citizen_api.post(URL, {"text": ""}, format="json", HTTP_IDEMPOTENCY_KEY="key-3")
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["text"]
    assert not IdempotencyRecord.objects.exists()
    good = citizen_api.post(URL, {"text": "fixed"}, format="json", HTTP_IDEMPOTENCY_KEY="key-3")
    assert good.status_code == 201
    assert created_rows() == 1


def test_it_refuses_an_unprintable_or_overlong_key(citizen_api):
    response = citizen_api.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert created_rows() == 0


def test_it_forgets_keys_after_their_lifetime(citizen_api, settings):
    citizen_api.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at="2000-01-01T00:00:00Z")
    response = citizen_api.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert created_rows() == 2


@pytest.mark.django_db(transaction=True)
def test_it_creates_one_row_when_two_retries_arrive_at_once():
    citizen = UserFactory(citizen=True)
    barrier = threading.Barrier(3)
    results: list[tuple[int, str]] = []

    def post() -> None:
        try:
            client = APIClient()
            login(client, citizen)
            barrier.wait()
            response = client.post(URL, {"text": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="race")
            results.append((response.status_code, response.json().get("id", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert created_rows() == 1
    assert [status for status, _ in results] == [201, 201, 201]
    assert len({row_id for _, row_id in results}) == 1


def test_it_prunes_records_past_their_lifetime(citizen_api):
    from io import StringIO

    from django.core.management import call_command

    citizen_api.post(URL, {"text": "old"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    citizen_api.post(URL, {"text": "new"}, format="json", HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyRecord.objects.filter(key="old").update(created_at="2000-01-01T00:00:00Z")
    call_command("prune_idempotency_records", stdout=StringIO())
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
