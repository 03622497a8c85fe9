"""Fixtures of the security tests: the throwaway stack for the fault tests."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import missing
from tests.security.services import Portal, Postgres, Redis, portal_env, postgres_bin, prepare_database

CITIZEN_PASSWORD = "Fehlertest-Passphrase-77"
CITIZENS = 4

_CITIZENS = f"""
from allauth.account.models import EmailAddress
from portal.constants import Role
from portal.models import User
from portal.roles import role_group
for number in range({CITIZENS}):
    user = User.objects.create_user(f"fault{{number}}@example.org", "{CITIZEN_PASSWORD}")
    user.groups.add(role_group(Role.CITIZEN))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""


def require_fault_binaries():
    if postgres_bin() is None:
        missing("needs PostgreSQL's server binaries (initdb, pg_ctl): apt-get install postgresql")
    if not shutil.which("redis-server"):
        missing("needs redis-server (apt-get install redis-server)")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """Our own PostgreSQL and Redis, migrated and seeded, and the portal (daphne) on them.

    Yields ``(postgres, redis, portal)``; tests that stop a service start it again.
    """
    require_fault_binaries()
    postgres = Postgres(postgres_bin())
    redis = Redis()
    portal = None
    try:
        postgres.init()
        redis.start()
        env = portal_env(database_url=postgres.url, redis_url=redis.url)
        prepare_database(env, _CITIZENS)
        portal = Portal(env=env, log=tmp_path_factory.mktemp("portal") / "daphne.log").start()
        yield postgres, redis, portal
    finally:
        if portal is not None:
            portal.stop()
        redis.stop()
        postgres.destroy()
