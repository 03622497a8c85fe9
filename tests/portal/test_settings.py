"""Settings come from the environment through strict helpers: a malformed
value or a missing production setting stops the process with
``ImproperlyConfigured`` instead of quietly falling back to a default."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_secret, env_str

SETTINGS_FILE = Path(settings.BASE_DIR) / "portal" / "settings.py"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-enough-0123456789",
    "ALLOWED_HOSTS": "portal.jobcenter.example",
    "CSRF_TRUSTED_ORIGINS": "https://portal.jobcenter.example",
    "PUBLIC_BASE_URL": "https://portal.jobcenter.example",
    "EMAIL_HOST": "smtp.jobcenter.example",
}
# Variables that the test run sets (pytest-env) and production would not.
_TEST_ONLY = ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "TASKS_IMMEDIATE", "PRIVATE_STORAGE_ROOT", "API_DOCS_ENABLED")


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PRODUCTION)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def load_settings(monkeypatch, **overrides: str | None) -> dict:
    """Execute portal/settings.py afresh under the given environment."""
    for name in list(os.environ):
        if name in _TEST_ONLY or name in ("DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(name)
    for name, value in production_env(**overrides).items():
        monkeypatch.setenv(name, value)
    for name in [n for n, v in overrides.items() if v is None]:
        monkeypatch.delenv(name, raising=False)
    return runpy.run_path(str(SETTINGS_FILE))


# --- the helpers --------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [("true", True), ("1", True), ("Yes", True), ("off", False), ("0", False)])
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=not expected) is expected


@pytest.mark.parametrize("raw", ["ture", "2", "enabled", "n"])
def test_it_refuses_a_malformed_boolean(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", default=False)


def test_it_uses_the_default_only_when_the_variable_is_absent_or_empty(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG", default=True) is True
    monkeypatch.setenv("SOME_FLAG", "")
    assert env_bool("SOME_FLAG", default=True) is True


def test_it_refuses_a_missing_required_value(monkeypatch):
    monkeypatch.delenv("SOME_VALUE", raising=False)
    for reader in (env_str, env_bool, env_int, env_list):
        with pytest.raises(ImproperlyConfigured, match="SOME_VALUE is required"):
            reader("SOME_VALUE")


def test_it_refuses_a_malformed_or_too_small_integer(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "30min")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("SOME_NUMBER", 5)
    monkeypatch.setenv("SOME_NUMBER", "10")
    with pytest.raises(ImproperlyConfigured, match="below the minimum 60"):
        env_int("SOME_NUMBER", 600, minimum=60)
    monkeypatch.setenv("SOME_NUMBER", " 900 ")
    assert env_int("SOME_NUMBER", 600, minimum=60) == 900


def test_it_splits_lists_on_commas(monkeypatch):
    monkeypatch.setenv("SOME_LIST", " a.example, b.example ,,")
    assert env_list("SOME_LIST", default=[]) == ["a.example", "b.example"]


def test_it_refuses_a_short_or_missing_secret_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_SECRET", "too-short")
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        env_secret("SOME_SECRET", debug=False, dev_file=tmp_path / "key")
    monkeypatch.delenv("SOME_SECRET")
    with pytest.raises(ImproperlyConfigured, match="required when DEBUG is off"):
        env_secret("SOME_SECRET", debug=False, dev_file=tmp_path / "key")
    assert not (tmp_path / "key").exists()


def test_it_generates_and_keeps_a_development_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SOME_SECRET", raising=False)
    first = env_secret("SOME_SECRET", debug=True, dev_file=tmp_path / "key")
    assert len(first) >= 50
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    assert env_secret("SOME_SECRET", debug=True, dev_file=tmp_path / "key") == first


# --- the settings module ------------------------------------------------------


def test_it_loads_production_settings(monkeypatch):
    loaded = load_settings(monkeypatch)
    assert loaded["DEBUG"] is False
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 31536000
    assert loaded["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert loaded["TIME_ZONE"] == "Europe/Berlin"
    assert loaded["USE_TZ"] is True
    assert loaded["LANGUAGE_CODE"] == "de"
    assert [code for code, _ in loaded["LANGUAGES"]] == ["de", "en", "uk"]


def test_it_switches_to_redis_when_redis_url_is_set(monkeypatch):
    loaded = load_settings(monkeypatch, REDIS_URL="redis://cache.internal:6379/2")
    assert loaded["CACHES"]["default"]["BACKEND"] == "portal.cache.ResilientRedisCache"
    assert loaded["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert loaded["CHANNEL_LAYERS"]["default"]["CONFIG"]["hosts"] == [
        {"address": "redis://cache.internal:6379/2", "socket_timeout": 15}
    ]


def test_it_chooses_the_core_channel_layer_on_request(monkeypatch):
    loaded = load_settings(monkeypatch, REDIS_URL="redis://cache.internal:6379/2", CHANNEL_LAYER="core")
    layer = loaded["CHANNEL_LAYERS"]["default"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert layer["CONFIG"] == {
        "hosts": [{"address": "redis://cache.internal:6379/2", "socket_timeout": 15}],
        "prefix": "portal",
        "capacity": 1000,
        "expiry": 30,
    }


def test_it_reads_the_database_from_database_url(monkeypatch):
    loaded = load_settings(monkeypatch, DATABASE_URL="postgres://portal:pw@db.internal:5432/portal")
    db = loaded["DATABASES"]["default"]
    assert (db["ENGINE"], db["HOST"], db["NAME"]) == ("django.db.backends.postgresql", "db.internal", "portal")


PG = "postgres://portal:pw@db.internal:5432/portal"


def test_it_pools_postgresql_connections_by_default(monkeypatch):
    db = load_settings(monkeypatch, DATABASE_URL=PG)["DATABASES"]["default"]
    pool = db["OPTIONS"]["pool"]
    assert (pool["min_size"], pool["max_size"], pool["timeout"]) == (2, 20, 5)
    assert db["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
    assert db["CONN_HEALTH_CHECKS"] is True  # a connection that died while idle is never handed out


def test_it_sizes_the_pool_from_the_environment(monkeypatch):
    loaded = load_settings(
        monkeypatch, DATABASE_URL=PG, DB_POOL_MIN_SIZE="0", DB_POOL_MAX_SIZE="8", DB_CONNECT_TIMEOUT="2"
    )
    pool = loaded["DATABASES"]["default"]["OPTIONS"]["pool"]
    assert (pool["min_size"], pool["max_size"], pool["timeout"]) == (0, 8, 2)


def test_it_connects_per_request_without_the_pool(monkeypatch):
    db = load_settings(monkeypatch, DATABASE_URL=PG, DB_POOL="false", DB_CONN_MAX_AGE="60")["DATABASES"]["default"]
    assert "pool" not in db["OPTIONS"]
    assert db["CONN_MAX_AGE"] == 60


def test_sqlite_has_no_pool(monkeypatch):
    db = load_settings(monkeypatch, DATABASE_URL=None, DEBUG="true")["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in db["OPTIONS"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"DATABASE_URL": PG, "DB_CONN_MAX_AGE": "60"}, "DB_CONN_MAX_AGE must be 0 with DB_POOL"),
        ({"DATABASE_URL": PG, "DB_POOL": "perhaps"}, "DB_POOL='perhaps' is not a boolean"),
        ({"DATABASE_URL": PG, "DB_POOL_MAX_SIZE": "0"}, "DB_POOL_MAX_SIZE=0 is below the minimum 1"),
        ({"DATABASE_URL": PG, "DB_POOL_MIN_SIZE": "30"}, "DB_POOL_MIN_SIZE=30 is above DB_POOL_MAX_SIZE"),
        ({"DEBUG": "ture"}, "DEBUG='ture' is not a boolean"),
        ({"SECRET_KEY": None}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is required"),
        ({"PUBLIC_BASE_URL": None}, "PUBLIC_BASE_URL is required"),
        ({"EMAIL_HOST": None}, "EMAIL_HOST is required"),
        ({"STAFF_IDLE_TIMEOUT": "30m"}, "STAFF_IDLE_TIMEOUT='30m' is not an integer"),
        ({"STAFF_IDLE_TIMEOUT": "5"}, "below the minimum"),
        ({"BEHIND_PROXY": "maybe"}, "BEHIND_PROXY='maybe' is not a boolean"),
        ({"API_DOCS_ENABLED": "nope"}, "API_DOCS_ENABLED='nope' is not a boolean"),
        (
            {"REDIS_URL": "redis://r:6379/0", "CHANNEL_LAYER": "kafka"},
            "CHANNEL_LAYER='kafka' is not one of core, pubsub",
        ),
    ],
)
def test_it_refuses_bad_production_settings(monkeypatch, overrides, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, **overrides)


def test_it_stops_the_process_on_a_bad_value():
    """The real thing: ``manage.py`` refuses to start, and names the variable."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=production_env(DEBUG="ture"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG='ture' is not a boolean" in result.stderr


def test_it_passes_check_deploy_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# --- feature settings: read from the environment here, honoured at 0 ----------


def test_it_reads_the_deployment_feature_settings_from_the_environment(monkeypatch):
    loaded = load_settings(
        monkeypatch,
        VIDEO_CHECK_MAX_CONCURRENT="0",
        VIDEO_TURN_URLS="turn:turn.example:3478,turns:turn.example:5349",
        UPLOAD_VIRUS_SCAN="clamd",
        APPLICATION_CLAMD_TIMEOUT="7",
    )
    assert loaded["VIDEO_CHECK_MAX_CONCURRENT"] == 0
    assert loaded["VIDEO_TURN_URLS"] == ["turn:turn.example:3478", "turns:turn.example:5349"]
    assert loaded["UPLOAD_VIRUS_SCAN"] == "clamd"
    assert loaded["APPLICATION_VIRUS_SCAN"] is True  # what applications/conf.py reads
    assert loaded["APPLICATION_CLAMD_TIMEOUT"] == 7


def test_it_honours_a_feature_setting_of_zero(settings, monkeypatch):
    from appointments import conf as appointments_conf
    from video.conf import conf as video_conf

    # The environment is not read by the apps: a stray variable changes nothing.
    monkeypatch.setenv("VIDEO_CHECK_MAX_CONCURRENT", "5")
    settings.VIDEO_CHECK_MAX_CONCURRENT = 0
    settings.VIDEO_HEARTBEAT = 0
    settings.APPOINTMENTS_SLOT_CACHE_SECONDS = 0
    assert video_conf.CHECK_MAX_CONCURRENT == 0
    assert video_conf.HEARTBEAT == 0
    assert appointments_conf.slot_cache_seconds() == 0
