"""Request bodies are capped while they stream, and strangers are refused before
theirs is read (issue #15, defect 1): against a real daphne, with real chunked
bodies, small caps (256 KiB of data, 1 MiB uploads) and a temporary folder of
the server's own that must stay empty.

Before the fix daphne read every body to its end into a temporary file before
the application saw the request: 300 MiB on the upload endpoint ended in 400
"no file", 200 MiB anonymous in 401.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.auth import session_headers
from tests.applications.conftest import PDF_BYTES
from tests.factories import JobcenterFactory, UserFactory
from tests.security import rawhttp
from tests.video.servers import Daphne

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATA_CAP = 256 * 1024
UPLOAD_CAP = 1024 * 1024
UPLOAD_BODY_CAP = UPLOAD_CAP + 1024 * 1024  # the form around the file (portal.bodylimit.UPLOAD_FORM_ALLOWANCE)
FLOOD = 64 * 1024 * 1024  # what a hostile client offers; never all sent
UPLOADS = "/api/v1/applications/{}/documents/"


@pytest.fixture(scope="module")
def server_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("daphne-tmp")


@pytest.fixture(scope="module")
def server(server_tmp, tmp_path_factory, django_db_setup):
    env = {
        "DATA_UPLOAD_MAX_MEMORY_SIZE": str(DATA_CAP),
        "APPLICATION_UPLOAD_MAX_BYTES": str(UPLOAD_CAP),
        "TMPDIR": str(server_tmp),
        "PRIVATE_STORAGE_ROOT": str(tmp_path_factory.mktemp("private")),
    }
    with Daphne(env) as daphne:
        yield daphne


@pytest.fixture
def citizen():
    user = UserFactory(citizen=True)
    return user, session_headers(user)


@pytest.fixture
def draft(server, citizen):
    _user, headers = citizen
    JobcenterFactory()  # the one Jobcenter: a new draft belongs to it
    response = rawhttp.send(
        server.port,
        "POST",
        "/api/v1/applications/",
        headers={**headers, "Content-Type": "application/json"},
        body=b"{}",
    )
    assert response.status == 201, server.output()
    return response.json()["id"]


def port(server) -> int:
    return server.port


def temp_files_open(server, folder: Path) -> list[str]:
    """Files the server process holds open in its temporary folder (also unnamed ones:
    Python's TemporaryFile on Linux never shows in the folder, but in /proc)."""
    fd_dir = Path(f"/proc/{server.process.pid}/fd")
    targets = []
    for fd in fd_dir.iterdir():
        try:
            targets.append(os.readlink(fd))
        except OSError:
            continue
    return [t for t in targets if t.startswith(str(folder))]


def assert_problem(response, status: int, code: str) -> dict:
    assert response is not None, "the server closed without answering"
    assert response.status == status, response.body[:500]
    assert response.headers["content-type"] == "application/problem+json"
    body = json.loads(response.body)
    assert body["status"] == status and body["code"] == code
    return body


@pytest.fixture(autouse=True)
def _temp_folder_stays_empty(server_tmp):
    yield
    assert list(server_tmp.iterdir()) == []


def test_it_refuses_an_anonymous_upload_before_reading_its_body(server, draft):
    result = rawhttp.stream(
        server.port,
        "POST",
        UPLOADS.format(draft),
        total=FLOOD,
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )

    body = assert_problem(result.response, 401, "not_authenticated")
    assert result.response.headers["www-authenticate"].startswith("Session")
    assert body["detail"] == "Anmeldedaten fehlen."  # German first, as DRF says it
    assert not result.finished and result.sent < UPLOAD_BODY_CAP


def test_it_refuses_a_caller_whose_session_is_unknown_before_reading_the_body(server, draft):
    for credentials in ({"X-Session-Token": "no-such-session"}, {"Cookie": "sessionid=no-such-session"}):
        result = rawhttp.stream(server.port, "PATCH", "/api/v1/me/", total=FLOOD, headers=credentials)

        assert_problem(result.response, 401, "not_authenticated")
        assert not result.finished and result.sent < DATA_CAP


def test_it_answers_413_to_an_announced_length_over_the_cap_before_any_body(server, citizen, draft):
    _user, headers = citizen
    for method, path, extra in (
        ("PATCH", "/api/v1/me/", headers),
        ("POST", UPLOADS.format(draft), headers),
        ("POST", "/_allauth/browser/v1/auth/login", {}),
    ):
        result = rawhttp.stream(
            server.port,
            method,
            path,
            total=FLOOD,
            chunked=False,
            headers={**extra, "Content-Type": "application/json"},
        )

        assert_problem(result.response, 413, "payload_too_large")
        assert result.answered_after is not None and result.sent < UPLOAD_BODY_CAP, (path, result.sent)


def test_it_stops_a_chunked_upload_at_the_upload_cap_without_spooling_it(server, server_tmp, citizen, draft):
    _user, headers = citizen
    seen_open = []
    result = rawhttp.stream(
        server.port,
        "POST",
        UPLOADS.format(draft),
        total=FLOOD,
        headers={**headers, "Content-Type": "multipart/form-data; boundary=x"},
        pause_after=UPLOAD_CAP,
        on_pause=lambda: seen_open.extend(temp_files_open(server, server_tmp)),
    )

    body = assert_problem(result.response, 413, "payload_too_large")
    assert "MB" in body["detail"]
    assert not result.finished
    # Answered once the cap was passed, not after the 64 MiB (loopback buffers hold a few MiB).
    assert result.sent < 16 * 1024 * 1024
    assert seen_open == []  # half-way, nothing of the body was in the temporary folder


@pytest.mark.parametrize("method", ["PATCH", "GET"])  # a body where none belongs is capped too
def test_it_stops_a_chunked_json_body_at_the_data_cap(server, citizen, method):
    _user, headers = citizen
    result = rawhttp.stream(
        server.port, method, "/api/v1/me/", total=FLOOD, headers={**headers, "Content-Type": "application/json"}
    )

    assert_problem(result.response, 413, "payload_too_large")
    assert not result.finished and result.sent < 16 * 1024 * 1024


def test_it_caps_the_bodies_of_allauths_public_endpoints_too(server):
    result = rawhttp.stream(
        server.port,
        "POST",
        "/_allauth/app/v1/auth/signup",
        total=FLOOD,
        headers={"Content-Type": "application/json"},
    )

    assert_problem(result.response, 413, "payload_too_large")
    assert not result.finished


def test_it_still_takes_a_chunked_upload_under_the_cap(server, citizen, draft):
    """A body without a length is handed to Django with the length it turned out to have."""
    _user, headers = citizen
    pdf = PDF_BYTES + b"%" * (UPLOAD_CAP // 2)
    body, content_type = rawhttp.multipart(
        {"checklist_key": "other"}, {"file": ("Mietvertrag.pdf", pdf, "application/pdf")}
    )

    response = rawhttp.send(
        server.port,
        "POST",
        UPLOADS.format(draft),
        headers={**headers, "Content-Type": content_type},
        body=body,
        chunked=True,
    )

    assert response.status == 201, response.body[:500]
    assert response.json()["size"] == len(pdf)


def test_it_still_takes_a_small_json_body_in_chunks(server, citizen):
    _user, headers = citizen
    response = rawhttp.send(
        server.port,
        "PATCH",
        "/api/v1/me/",
        headers={**headers, "Content-Type": "application/json"},
        body=json.dumps({"first_name": "Olena"}).encode(),
        chunked=True,
    )

    assert response.status == 200, response.body[:500]
    assert response.json()["first_name"] == "Olena"


def test_it_keeps_the_connection_for_the_next_request_after_a_whole_body(server, citizen):
    """Streaming must not break keep-alive: two requests on one connection."""
    _user, headers = citizen
    sock = rawhttp.connect(server.port)
    try:
        for name in ("Anna", "Bert"):
            payload = json.dumps({"first_name": name}).encode()
            head = rawhttp.head(
                "PATCH",
                "/api/v1/me/",
                {**headers, "Content-Type": "application/json", "Content-Length": str(len(payload))},
            )
            sock.sendall(head + payload)
            response = rawhttp.read_response(sock)
            assert response is not None and response.status == 200, response
            assert response.json()["first_name"] == name
    finally:
        sock.close()


def test_it_knows_which_api_views_take_a_body_from_anyone():
    """The rule of who must log in before sending a body is read off each view's
    DRF permissions (portal.bodylimit), not written down twice. Today no API view
    handles a body from an anonymous caller; a new one must be meant to."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from portal.bodylimit import _route_of_view

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    public_bodies, uploads = set(), set()
    for route, callback in walk(get_resolver().url_patterns):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            found = _route_of_view(callback, method)
            if found.view_class is None or not hasattr(found.view_class, method.lower()):
                continue
            if found.public:
                public_bodies.add(f"{method} {route}")
            if found.upload:
                uploads.add(f"{method} {route}")

    assert public_bodies == set()
    assert uploads == {
        "POST api/v1/applications/<uuid:application_id>/documents/",
        "POST api/v1/applications/<uuid:application_id>/messages/",  # files with a message
        "POST api/v1/queue/applications/<uuid:application_id>/decision/",
    }
