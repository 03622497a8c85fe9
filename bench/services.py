"""PostgreSQL, Redis and the benchmark's own database.

The suite never writes to a database or Redis keys it did not create: it makes
``bench_run_<pid>`` on the PostgreSQL server named by ``BENCH_DATABASE_URL`` (or
``DATABASE_URL``, or the local default), drops it at the end, and prefixes its
cache and channel keys with the same name.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
REDIS_EPHEMERAL = ("--save", "", "--appendonly", "no")
RUN_DB = re.compile(r"^bench_run_(\d+)$")


@dataclass(frozen=True)
class Services:
    database_url: str  # the benchmark database
    redis_url: str
    prefix: str  # for cache and channel keys; also the database name

    @property
    def pg(self) -> PgTarget:
        return PgTarget.parse(self.database_url)


@dataclass(frozen=True)
class PgTarget:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    @classmethod
    def parse(cls, url: str) -> PgTarget:
        parts = urlsplit(url)
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or "",
            dbname=parts.path.lstrip("/") or "postgres",
        )

    def url(self, dbname: str | None = None) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return urlunsplit(("postgres", f"{auth}@{self.host}:{self.port}", f"/{dbname or self.dbname}", "", ""))

    def libpq_env(self) -> dict[str, str]:
        env = {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user, "PGDATABASE": self.dbname}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def server_urls() -> tuple[str, str]:
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not pg.startswith(("postgres://", "postgresql://")):
        pg = DEFAULT_PG
    redis = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS
    return pg, redis


def ensure_postgres(target: PgTarget, log) -> None:
    """Start the local cluster the way .ci/run does when it does not answer."""
    if _pg_ready(target):
        return
    if target.host not in LOCAL_HOSTS:
        raise RuntimeError(f"PostgreSQL at {target.host}:{target.port} does not answer")
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions or not shutil.which("pg_ctlcluster"):
        raise RuntimeError("PostgreSQL does not answer and no local cluster to start (apt-get install postgresql)")
    log(f"starting PostgreSQL {versions[-1]}")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=False)
    _wait(lambda: _pg_ready(target), "PostgreSQL")


def ensure_redis(url: str, log) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if _redis_ready(host, port):
        return
    if host not in LOCAL_HOSTS or not shutil.which("redis-server"):
        raise RuntimeError(f"Redis at {host}:{port} does not answer")
    log("starting Redis")
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(port), *REDIS_EPHEMERAL],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    _wait(lambda: _redis_ready(host, port), "Redis")


def _pg_ready(target: PgTarget) -> bool:
    result = subprocess.run(
        ["pg_isready", "-q", "-h", target.host, "-p", str(target.port)], check=False, capture_output=True
    )
    return result.returncode == 0


def _redis_ready(host: str, port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host=host, port=port, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _wait(check, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not come up within {seconds:.0f} s")


def create_database(server: PgTarget, name: str, log) -> None:
    import psycopg

    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        _drop_stale_runs(conn, log)
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(server: PgTarget, name: str) -> None:
    import psycopg

    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_stale_runs(conn, log) -> None:
    """Databases of earlier runs that died before cleaning up (their process is gone)."""
    for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bench_run_%'").fetchall():
        match = RUN_DB.match(name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            log(f"dropping the stale database {name}")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def delete_redis_keys(url: str, prefix: str) -> int:
    """Delete the keys this run wrote: the cache's ``<prefix>:<version>:<key>``
    and the channel layer's ``<prefix>:<channel>`` / ``<prefix>::group:<name>``."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    return client.delete(*keys) if keys else 0


def pg_version(server: PgTarget) -> str:
    import psycopg

    with psycopg.connect(server.url("postgres")) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]


def redis_version(url: str) -> str:
    import redis

    return str(redis.Redis.from_url(url).info("server").get("redis_version", "?"))
