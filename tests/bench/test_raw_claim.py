"""The raw SKIP LOCKED loop claims each row exactly once."""

import pytest
from django.conf import settings

from bench.rows.raw_claim import claim_loop, pgbench_binary
from bench.services import PgTarget


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_claims_every_row_once_with_many_connections():
    try:
        pgbench_binary()
    except Exception:
        pytest.skip("needs pgbench (apt-get install postgresql-client)")
    db = settings.DATABASES["default"]
    target = PgTarget(
        host=db["HOST"] or "127.0.0.1",
        port=int(db["PORT"] or 5432),
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or "",
        dbname=db["NAME"],
    )
    run = claim_loop(target, clients=8, seconds=1, rows=300)
    # claim_loop raises if a row was claimed twice; all 300 go within a second.
    assert run.claimed == 300
    assert run.drained
    assert run.claims_per_s > 0
