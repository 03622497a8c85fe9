"""Uploads are never scanned by accident of configuration.

With DEBUG off the portal does not start until ``UPLOAD_VIRUS_SCAN`` says
``clamd`` or, on purpose, ``off``; ``/readyz`` reports the scanner, and goes
503 when clamd is configured but does not answer (uploads then fail closed).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.security.uploads_clamd import running_clamd

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DEBUG": "false",
    "SECRET_KEY": "scanner-tests-only-secret-key-0123456789abcdefgh",
    "ALLOWED_HOSTS": "portal.example",
    "PUBLIC_BASE_URL": "https://portal.example",
    "EMAIL_HOST": "localhost",
    "DATABASE_URL": "",
    "REDIS_URL": "",
}


def manage_check(**env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **PRODUCTION, **env}
    for name in [name for name, value in full_env.items() if value == ""]:
        del full_env[name]
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_start_in_production_without_a_scanner():
    result = manage_check(UPLOAD_VIRUS_SCAN="")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "UPLOAD_VIRUS_SCAN is required when DEBUG is off" in result.stderr
    assert "UPLOAD_VIRUS_SCAN=clamd" in result.stderr and "UPLOAD_VIRUS_SCAN=off" in result.stderr


@pytest.mark.parametrize("value", ["clamd", "off"])
def test_it_starts_in_production_with_a_scanner_or_scanning_switched_off_on_purpose(value):
    result = manage_check(UPLOAD_VIRUS_SCAN=value)

    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"UPLOAD_VIRUS_SCAN": "yes"}, "UPLOAD_VIRUS_SCAN='yes' is not one of clamd, off"),
        ({"UPLOAD_VIRUS_SCAN": "clamd", "APPLICATION_CLAMD_ADDRESS": "clamd:3310"}, "neither a socket path"),
        ({"UPLOAD_VIRUS_SCAN": "off", "APPLICATION_VIRUS_SCAN": "true"}, "was replaced by UPLOAD_VIRUS_SCAN"),
    ],
    ids=["unknown-value", "address-without-scheme", "old-name"],
)
def test_it_refuses_a_scanner_setting_it_cannot_read(env, message):
    result = manage_check(**env)

    assert result.returncode != 0
    assert message in result.stderr, result.stderr[-2000:]


@pytest.mark.django_db
def test_it_reports_the_scanner_in_readyz_and_goes_503_when_clamd_stops(client, settings, tmp_path):
    settings.APPLICATION_VIRUS_SCAN = True
    with running_clamd(tmp_path) as clamd:
        settings.APPLICATION_CLAMD_ADDRESS = clamd.unix_address
        up = client.get("/readyz")
        settings.APPLICATION_CLAMD_ADDRESS = clamd.tcp_address
        up_tcp = client.get("/readyz")

    down = client.get("/readyz")

    assert up.status_code == 200, up.content
    assert up.json()["checks"]["virus_scanner"] == "ok"
    assert up_tcp.json()["checks"]["virus_scanner"] == "ok"
    assert down.status_code == 503
    assert down["Content-Type"] == "application/problem+json"
    assert down["Retry-After"] == "5"
    body = down.json()
    assert body["code"] == "not_ready"
    assert body["checks"] == {"database": "ok", "cache": "ok", "channel_layer": "ok", "virus_scanner": "unavailable"}


@pytest.mark.django_db
def test_it_reports_scanning_switched_off_as_ready(client, settings):
    settings.APPLICATION_VIRUS_SCAN = False

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["virus_scanner"] == "off"
