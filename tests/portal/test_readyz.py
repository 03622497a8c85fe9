"""``/healthz`` says the process is alive; ``/readyz`` says whether the
database, the cache and the channel layer answer (503 otherwise), so a load
balancer stops sending requests to a worker that cannot serve them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client()
out = {}
for url in ("/healthz", "/readyz"):
    r = client.get(url)
    out[url] = {"status": r.status_code, "body": r.json(), "type": r["Content-Type"]}
print(json.dumps(out))
"""


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def probe(**env: str) -> dict:
    """/healthz and /readyz in a fresh process configured by ``env``."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env}
    for name, value in env.items():
        if value == "":
            full_env.pop(name)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_is_ready_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok", "virus_scanner": "off"},
    }
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_it_goes_503_when_the_database_is_unreachable():
    result = probe(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/portal", REDIS_URL="")
    assert result["/healthz"]["status"] == 200  # alive, but ...
    ready = result["/readyz"]
    assert ready["status"] == 503
    assert ready["type"] == "application/problem+json"
    assert ready["body"]["code"] == "not_ready"
    assert ready["body"]["checks"] == {
        "database": "unavailable",
        "cache": "ok",
        "channel_layer": "ok",
        "virus_scanner": "off",
    }


def test_it_goes_503_when_redis_is_unreachable():
    result = probe(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    ready = result["/readyz"]
    assert ready["status"] == 503
    assert ready["body"]["checks"]["cache"] == "unavailable"
    assert ready["body"]["checks"]["channel_layer"] == "unavailable"


@pytest.mark.redis
def test_it_is_ready_with_redis_for_cache_and_channel_layer(client):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "channel_layer": "ok", "virus_scanner": "off"}
