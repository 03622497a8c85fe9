"""Throwaway PostgreSQL, Redis and portal processes for the fault tests.

The machine's shared PostgreSQL and Redis must never be stopped (other test
runs use them), so these tests start their own: ``initdb`` + ``pg_ctl`` into a
temporary folder on a free port, ``redis-server`` on a free port, and the
portal (daphne) against both. Only processes started here are ever stopped,
each by its own process id.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Stop a process we started (its own process group), SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


@dataclass
class Postgres:
    """A PostgreSQL server of our own in a temporary folder."""

    bindir: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="portal-pg-")))
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        # PostgreSQL refuses to run as root: as root, run it as the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120, check=check)

    def init(self) -> Postgres:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal")
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            # fsync off: faster; the tests kill the server, not the machine,
            # so committed data still reaches the disk through the OS.
            "-c fsync=off -c max_connections=60"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: like a crash (no checkpoint; recovery from the WAL at the next start)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def processes(self) -> list[int]:
        """The postmaster and its children (backends, checkpointer, ...)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def pause(self) -> None:
        """Hang, as a frozen server does: every process stopped (SIGSTOP), sockets still open."""
        self._signal_all(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal_all(signal.SIGCONT)

    def _signal_all(self, sig: int) -> None:
        # A backend can end between listing and signalling (its client closed the
        # connection): it needs no signal any more.
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def destroy(self) -> None:
        try:
            self.resume()  # a stopped (SIGSTOP) postmaster would not stop
        except (OSError, ValueError, IndexError):
            pass
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def query(self, sql: str, params: tuple | dict | None = None) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://"), connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()


@dataclass
class Redis:
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.port), timeout=10, what="redis-server listening")
        return self

    def stop(self) -> None:
        if self.proc is not None:
            os.kill(self.proc.pid, signal.SIGCONT)  # a paused server cannot stop
            stop_group(self.proc)
            self.proc = None

    def pause(self) -> None:
        """Hang (SIGSTOP): connections stay open, nothing answers."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)


def portal_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Production-like settings (DEBUG off) for a portal process of the tests."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "fault-tests-only-secret-key-0123456789abcdefghij",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "EMAIL_HOST": "localhost",
        "TASKS_IMMEDIATE": "false",  # tasks wait in the database; no worker sends e-mails
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DB_CONNECT_TIMEOUT": "2",
        # A server that hangs is given up after 3 s per round trip (portal/database.py).
        "DB_STATEMENT_TIMEOUT": "2",
        "DB_QUERY_DEADLINE": "3",
        "LOG_LEVEL": "WARNING",
        # No clamd in these runs (the upload tests start their own): switched off on purpose.
        "UPLOAD_VIRUS_SCAN": "off",
        **extra,
    }
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


# One process (each start costs seconds): migrate, then the demo data, hashed
# fast (nobody logs in as a demo user in these runs); then the caller's script,
# with the real password hasher again.
_PREPARE = """
from django.core.management import call_command
from django.test.utils import override_settings
call_command("migrate", interactive=False, verbosity=0)
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    call_command("seed_demo", quiet_logins=True)
"""


def prepare_database(env: dict[str, str], script: str = "") -> str:
    """Migrate and seed the database of ``env``, then run ``script`` (Python, Django set up); returns its output."""
    return manage(env, "shell", "-c", _PREPARE + script)


@dataclass
class Portal:
    """The portal served by daphne in a subprocess, like in production."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    def start(self) -> Portal:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "portal.asgi:application",
            ],
            cwd=ROOT,
            # Its own origin, for the WebSocket origin check (portal/origins.py).
            env={"CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{self.port}", **self.env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: self.request("GET", "/healthz")[0] == 200, timeout=60, what="portal answering /healthz")
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop_group(self.proc)
            self.proc = None

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        headers: dict | None = None,
        timeout=10,
        *,
        data: bytes | None = None,
    ):
        """``(status, headers, body bytes)``; status 0 when the connection failed.

        ``body`` is sent as JSON; ``data`` as it is (the caller names its Content-Type)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if data is not None:
                payload, all_headers = data, dict(headers or {})
            else:
                payload = json.dumps(body).encode() if body is not None else None
                all_headers = (
                    {"Content-Type": "application/json", **(headers or {})} if payload else dict(headers or {})
                )
            conn.request(method, path, body=payload, headers=all_headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except OSError:
            return 0, {}, b""
        finally:
            conn.close()
