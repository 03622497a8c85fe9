"""``make run PORT=8001`` serves on 8001, and the links it prints and e-mails
(``PUBLIC_BASE_URL``) point there too, unless the environment names another."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def run_commands(*args: str, env: dict[str, str] | None = None) -> list[str]:
    """The command lines ``make run`` would execute (a dry run: nothing starts)."""
    environment = {k: v for k, v in os.environ.items() if k != "PUBLIC_BASE_URL"}
    environment.update(env or {})
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, check=True
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line or "daphne" in line]


def assignments(line: str) -> dict[str, str]:
    words = shlex.split(line.replace("\\", ""))
    out = {}
    for word in words:
        if "=" not in word or word.startswith("-"):
            break
        name, value = word.split("=", 1)
        out[name] = value
    return out


def public_base_url_under(env: dict[str, str]) -> str:
    """What portal/settings.py makes of that environment, in a fresh process."""
    environment = {k: v for k, v in os.environ.items() if k != "PUBLIC_BASE_URL"}
    environment.update(env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.PUBLIC_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_it_makes_the_links_follow_the_port():
    lines = run_commands("PORT=8001")
    server = next(line for line in lines if "daphne" in line)
    assert "-p 8001" in server
    for line in lines:  # migrate, seed_demo, the worker (which sends the e-mails), the server
        assert assignments(line.split("&")[0] if "db_worker" in line else line)["PUBLIC_BASE_URL"] == (
            "http://127.0.0.1:8001"
        ), line
    assert public_base_url_under(assignments(server)) == "http://127.0.0.1:8001"


def test_it_keeps_a_public_base_url_from_the_environment():
    lines = run_commands("PORT=8001", env={"PUBLIC_BASE_URL": "https://portal.jobcenter.example"})
    server = next(line for line in lines if "daphne" in line)
    assert assignments(server)["PUBLIC_BASE_URL"] == "https://portal.jobcenter.example"


def test_it_defaults_to_port_8000():
    server = next(line for line in run_commands() if "daphne" in line)
    assert assignments(server)["PUBLIC_BASE_URL"] == "http://127.0.0.1:8000"
