"""Hostile uploads against ``POST /api/v1/applications/{id}/documents/``.

The corpus is generated (``uploads_corpus``). Every refusal is a problem body
naming ``file``, and leaves nothing behind: no row, no file in private storage.
Virus scanning talks to a real clamd started for the session (``uploads_clamd``).
"""

from __future__ import annotations

import io
import socket
import threading

import pytest
from django.urls import reverse

from applications.models import Document
from tests.applications.factories import ApplicationFactory, DocumentRequestFactory
from tests.factories import JobcenterFactory, TeamFactory, UserFactory
from tests.security import uploads_corpus as corpus
from tests.security.uploads_clamd import clamd, free_port  # noqa: F401 (a fixture)


def url(app_id) -> str:
    return reverse("applications_api:documents", kwargs={"application_id": app_id})


def named(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def post_file(client, app_id, name: str, content: bytes, **fields):
    return client.post(url(app_id), {"file": named(name, content), **fields}, format="multipart")


def stored(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_refused(response, status: int, code: str, storage_root) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert "file" in body["errors"], body
    assert stored(storage_root) == [], "a refused upload left a file behind"
    assert not Document.objects.exists(), "a refused upload left a row behind"
    return body


@pytest.fixture
def draft(citizen_api):
    JobcenterFactory(slug="kaiserslautern", reference_prefix="KL")
    response = citizen_api.post(reverse("applications_api:application-list"), {}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


# --- type and content -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, content",
    [
        ("Kontoauszug.pdf", corpus.elf_renamed()),
        ("Mietvertrag.pdf", corpus.pe_renamed()),
        ("Ausweis.pdf", corpus.HTML),
        ("Ausweis.html", corpus.HTML),
        ("Foto.svg", corpus.SVG),
        ("Foto.png", corpus.SVG),
        ("Archiv.pdf", corpus.zip_archive()),
    ],
)
def test_it_refuses_what_is_not_a_pdf_jpeg_or_png(citizen_api, draft, _private_storage, name, content):
    response = post_file(citizen_api, draft, name, content)

    assert_refused(response, 415, "unsupported_file_type", _private_storage)


@pytest.mark.parametrize(
    "content, finding",
    [
        (corpus.pdf_zip_polyglot(), "zip_inside"),
        (corpus.pdf_html_polyglot(), "script_inside"),
        (corpus.jpeg_with_script(), "script_inside"),
        (corpus.pdf_with_launch(), "launch_action"),
        (corpus.pdf_with_embedded_file(), "embedded_file"),
        (corpus.pdf_with_img_onerror(), "script_inside"),
        (corpus.pdf_with_utf16_script("utf-16-le"), "script_inside"),
        (corpus.pdf_with_utf16_script("utf-16-be"), "script_inside"),
        (corpus.jpeg() + b'<svg/onload="alert(1)">', "script_inside"),
    ],
    ids=[
        "pdf+zip",
        "pdf+html",
        "jpeg+script",
        "pdf-launch",
        "pdf-embedded-exe",
        "pdf+img-onerror",
        "pdf+utf16le-script",
        "pdf+utf16be-script",
        "jpeg+svg-onload",
    ],
)
def test_it_refuses_polyglots_and_files_carrying_programs(citizen_api, draft, _private_storage, content, finding):
    response = post_file(citizen_api, draft, "scan.pdf", content)

    body = assert_refused(response, 422, "dangerous_content", _private_storage)
    assert finding in body["findings"]


@pytest.mark.parametrize("content", [corpus.png_pixel_flood(), corpus.jpeg_pixel_flood()], ids=["png", "jpeg"])
def test_it_refuses_a_pixel_flood_without_decoding_it(citizen_api, draft, _private_storage, content):
    assert len(content) < 200_000  # tiny on the wire, gigapixels when opened

    response = post_file(citizen_api, draft, "foto.png", content)

    body = assert_refused(response, 422, "image_too_large", _private_storage)
    assert body["max_pixels"] == 100_000_000


def test_it_accepts_ordinary_scans_and_photos(citizen_api, draft, _private_storage):
    for name, content, kind in [
        ("a.pdf", corpus.pdf(), "application/pdf"),
        ("b.jpg", corpus.jpeg(1200, 1600), "image/jpeg"),
        ("c.png", corpus.png(800, 600), "image/png"),
        ("d.pdf", corpus.pdf_with_open_action_destination(), "application/pdf"),
    ]:
        response = post_file(citizen_api, draft, name, content)
        assert response.status_code == 201, (name, response.content)
        assert response.json()["content_type"] == kind
    assert list(Document.objects.values_list("active_content", flat=True)) == [[], [], [], []]
    assert len(stored(_private_storage)) == 4


@pytest.fixture
def case(db, _private_storage):
    """A submitted application of Jobcenter A in review, assigned to a staff member, with an open request."""
    jobcenter = JobcenterFactory(slug="jc-uploads", reference_prefix="UP")
    team = TeamFactory(jobcenter=jobcenter)
    staff = UserFactory(staff=True, jobcenter=jobcenter, teams=[team])
    request = DocumentRequestFactory(
        application=ApplicationFactory(documents_requested=True, jobcenter=jobcenter, team=team, assigned_to=staff)
    )
    return request.application, request, staff


@pytest.mark.parametrize(
    "content, flags",
    [
        (corpus.pdf_with_javascript(), ["javascript"]),
        (corpus.pdf_with_open_action_script(), ["auto_action", "javascript"]),
    ],
    ids=["document-javascript", "open-action-obfuscated"],
)
def test_it_flags_pdf_scripts_to_staff(case, api_for, _private_storage, content, flags):
    application, request, staff = case
    citizen = api_for(application.applicant)

    response = post_file(citizen, application.public_id, "formular.pdf", content, document_request=request.public_id)

    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert document.active_content == flags
    detail = api_for(staff).get(f"/api/v1/queue/applications/{application.public_id}/")
    assert detail.status_code == 200, detail.content
    (listed,) = detail.json()["documents"]
    assert listed["id"] == str(document.public_id)
    assert listed["active_content"] == flags


# --- size, number, names, emptiness -----------------------------------------------------------
def test_it_takes_a_file_exactly_at_the_limit_and_refuses_one_byte_more(citizen_api, draft, _private_storage, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 64 * 1024
    at_limit = corpus.padded_pdf(64 * 1024)
    assert len(at_limit) == 64 * 1024

    over = post_file(citizen_api, draft, "over.pdf", corpus.padded_pdf(64 * 1024 + 1))
    assert_refused(over, 413, "file_too_large", _private_storage)
    assert over.json()["max_bytes"] == 64 * 1024

    ok = post_file(citizen_api, draft, "exact.pdf", at_limit)
    assert ok.status_code == 201, ok.content
    assert ok.json()["size"] == 64 * 1024
    (path,) = stored(_private_storage)
    assert path.read_bytes() == at_limit


@pytest.mark.parametrize("count", [2, 101])
def test_it_refuses_more_than_one_file_per_request(citizen_api, draft, _private_storage, count):
    files = [named(f"seite-{n}.pdf", corpus.pdf()) for n in range(count)]

    response = citizen_api.post(url(draft), {"file": files}, format="multipart")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "too_many_files", body
    assert "file" in body["errors"]
    assert stored(_private_storage) == [] and not Document.objects.exists()


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("Konto\x00auszug\x07\x1b[31m\x7f\u202e.pdf", "Kontoauszug[31m.pdf"),
        ("<script>alert(1)<%2fscript>.pdf", "_script_alert(1)_%2fscript_.pdf"),
        ("bescheid.pdf\u200b.exe", "bescheid.pdf.pdf"),
    ],
)
def test_it_keeps_hostile_names_out_of_paths_and_headers(citizen_api, draft, _private_storage, name, shown):
    response = post_file(citizen_api, draft, name, corpus.pdf())

    assert response.status_code == 201, response.content
    assert response.json()["name"] == shown
    (path,) = stored(_private_storage)
    assert path.parent == _private_storage / "documents"
    assert path.name.endswith(".pdf") and len(path.stem) == 32  # random hex, not the client's name
    download = citizen_api.get(response.json()["download_url"])
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert not any(ch in disposition for ch in "\r\n\x00/\\")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["..", "Konto\r\nContent-Type: text/html\r\n\r\n.pdf"])
def test_it_refuses_names_that_break_the_form_cleanly(citizen_api, draft, _private_storage, name):
    """Django's multipart parser drops a file whose name is only dots; a name that
    breaks the part's header garbles the part: either way a 4xx naming ``file``, nothing stored."""
    response = post_file(citizen_api, draft, name, corpus.pdf())

    assert response.status_code in (400, 415), response.content
    assert list(response.json()["errors"]) == ["file"]
    assert stored(_private_storage) == [] and not Document.objects.exists()


def test_it_refuses_an_empty_file(citizen_api, draft, _private_storage):
    response = post_file(citizen_api, draft, "leer.pdf", b"")

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["file"]
    assert stored(_private_storage) == [] and not Document.objects.exists()


# --- viruses (clamd) --------------------------------------------------------------------------
@pytest.fixture(params=["unix", "tcp"])
def scanning(request, clamd, settings):  # noqa: F811 (the clamd fixture)
    settings.APPLICATION_VIRUS_SCAN = True
    settings.APPLICATION_CLAMD_ADDRESS = clamd.unix_address if request.param == "unix" else clamd.tcp_address
    settings.APPLICATION_CLAMD_TIMEOUT = 10
    return clamd


def test_it_refuses_a_virus(scanning, citizen_api, draft, _private_storage):
    response = post_file(citizen_api, draft, "rechnung.pdf", corpus.eicar())

    assert_refused(response, 422, "virus_found", _private_storage)
    assert "Eicar-Test-Signature" in scanning.log.read_text()


def test_it_stores_a_clean_file_after_the_scan(scanning, citizen_api, draft, _private_storage):
    content = corpus.pdf()

    response = post_file(citizen_api, draft, "sauber.pdf", content)

    assert response.status_code == 201, response.content
    (path,) = stored(_private_storage)
    assert path.read_bytes() == content


def test_it_would_not_catch_the_virus_by_type_alone(citizen_api, draft, _private_storage, settings):
    """Control: without the scanner, the EICAR file is refused only as 'not a PDF' -
    the 422 above is the scanner's verdict, not the type check's."""
    settings.APPLICATION_VIRUS_SCAN = False

    response = post_file(citizen_api, draft, "rechnung.pdf", corpus.eicar())

    assert_refused(response, 415, "unsupported_file_type", _private_storage)


@pytest.fixture
def silent_clamd():
    """A socket that accepts connections and never answers (a hung clamd)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("where", ["missing-socket", "closed-port", "hung"])
def test_it_fails_closed_when_clamd_does_not_answer(
    citizen_api, draft, _private_storage, settings, tmp_path, silent_clamd, where
):
    settings.APPLICATION_VIRUS_SCAN = True
    settings.APPLICATION_CLAMD_TIMEOUT = 1
    settings.APPLICATION_CLAMD_ADDRESS = {
        "missing-socket": str(tmp_path / "no-clamd.sock"),
        "closed-port": f"tcp://127.0.0.1:{free_port()}",
        "hung": silent_clamd,
    }[where]

    response = post_file(citizen_api, draft, "sauber.pdf", corpus.pdf())

    assert_refused(response, 503, "virus_scan_unavailable", _private_storage)
    assert response["Retry-After"] == "60"


def test_it_scans_staff_uploads_too(scanning, case, api_for, _private_storage):
    """The decision notice goes through the same check (casework uses ``files.check_upload``)."""
    application, _request, staff = case
    type(application).objects.filter(pk=application.pk).update(status="in_review")
    client = api_for(staff)

    response = client.post(
        f"/api/v1/queue/applications/{application.public_id}/decision/",
        {"outcome": "rejected", "reason": "Unterlagen fehlen.", "file": named("bescheid.pdf", corpus.eicar())},
        format="multipart",
    )

    assert response.status_code == 422, response.content
    assert response.json()["code"] == "virus_found"
    assert stored(_private_storage) == []
