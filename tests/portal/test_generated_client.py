"""The schema is a contract: a client generated from ``/api/v1/schema/`` with a real
generator (openapi-python-client) type-checks against the citizen flow
(``client_flow.py``, mypy --strict) and completes it against a live daphne."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from applications.constants import ApplicationStatus
from applications.models import Application
from tests.factories import PASSWORD, JobcenterFactory, UserFactory
from tests.video.servers import Daphne, _opener

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CONFIG = """\
content_type_overrides:
  application/pdf: application/octet-stream
  text/calendar: application/octet-stream
  application/problem+json: application/json
"""


def run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        args, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def test_a_generated_client_type_checks_and_completes_the_citizen_flow(tmp_path):
    if not (BIN / "openapi-python-client").exists() or not (BIN / "mypy").exists():
        pytest.fail("openapi-python-client and mypy come with requirements-dev.txt")
    JobcenterFactory(name="Jobcenter Kaiserslautern", slug="kaiserslautern", reference_prefix="KL")
    citizen = UserFactory(citizen=True)
    # The server runs production hashers; the test process only MD5 (tests/conftest.py).
    citizen.password = PBKDF2PasswordHasher().encode(PASSWORD, "generatedclient")
    citizen.save(update_fields=["password"])

    with Daphne() as server:
        with _opener.open(f"{server.url}/api/v1/schema/?format=json", timeout=30) as response:
            (tmp_path / "schema.json").write_bytes(response.read())
        (tmp_path / "config.yaml").write_text(CONFIG)
        tools = {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        run(
            [
                str(BIN / "openapi-python-client"),
                "generate",
                "--path",
                "schema.json",
                "--config",
                "config.yaml",
                "--meta",
                "none",
                "--output-path",
                "jc_client",
                "--overwrite",
            ],
            cwd=tmp_path,
            env=tools,
        )
        shutil.copy(HERE / "client_flow.py", tmp_path / "client_flow.py")

        checked = run(
            [str(BIN / "mypy"), "--strict", "--follow-imports=silent", "--no-incremental", "client_flow.py"],
            cwd=tmp_path,
            env={"MYPYPATH": str(tmp_path)},
        )
        assert "Success: no issues found" in checked

        out = run(
            [sys.executable, "client_flow.py", server.url, citizen.email, PASSWORD],
            cwd=tmp_path,
            env={"PYTHONPATH": str(tmp_path)},
        )

    reference = out.strip().rsplit(" ", 1)[-1]
    application = Application.objects.get(applicant=citizen)
    assert out.startswith("submitted ") and application.reference == reference
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.snapshot_sha256 and application.documents.count() == 1
