"""POST /api/v1/queue/applications/claim-next/"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application
from casework import services
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory
from tests.factories import UserFactory

URL = "/api/v1/queue/applications/claim-next/"


def test_it_gives_me_the_oldest_unassigned_case_of_my_team(org, api_for):
    now = timezone.now()
    ApplicationFactory(jobcenter=org.a, surname="Zander", lodged_at=now - timedelta(days=90))  # team 2
    ApplicationFactory(jobcenter=org.b, lodged_at=now - timedelta(days=80))  # other Jobcenter
    ApplicationFactory(jobcenter=org.a, surname="Abel", assigned_to=org.staff2, lodged_at=now - timedelta(days=70))
    ApplicationFactory(jobcenter=org.a, surname="Abel", status="approved", lodged_at=now - timedelta(days=60))
    oldest = ApplicationFactory(jobcenter=org.a, surname="Berg", lodged_at=now - timedelta(days=20))
    ApplicationFactory(jobcenter=org.a, surname="Abel", lodged_at=now - timedelta(days=10))

    response = api_for(org.staff).post(URL)

    assert response.status_code == 200, response.json()
    assert response.json()["id"] == str(oldest.public_id)
    assert response.json()["assigned_to"]["id"] == str(org.staff.public_id)
    oldest.refresh_from_db()
    assert oldest.assigned_to == org.staff
    assert AuditEvent.objects.filter(action="application.claim", object_id=str(oldest.public_id)).exists()


def test_it_answers_204_when_there_is_nothing_to_claim(org, api_for):
    ApplicationFactory(jobcenter=org.a, surname="Zander")  # another team's
    response = api_for(org.staff).post(URL)
    assert response.status_code == 204
    assert not Application.objects.filter(assigned_to=org.staff).exists()


def test_it_claims_from_one_chosen_team(org, api_for):
    ApplicationFactory(jobcenter=org.a, surname="Abel", lodged_at=timezone.now() - timedelta(days=9))
    zander = ApplicationFactory(jobcenter=org.a, surname="Zander")
    response = api_for(org.lead).post(URL, {"team": str(org.team2.public_id)}, format="json")
    assert response.json()["id"] == str(zander.public_id)


def test_it_refuses_a_team_i_am_not_in(org, api_for):
    response = api_for(org.staff).post(URL, {"team": str(org.team2.public_id)}, format="json")
    assert response.status_code == 400
    assert "team" in response.json()["errors"]
    response = api_for(org.staff).post(URL, {"team": str(org.team_b.public_id)}, format="json")
    assert response.status_code == 400
    assert "team" in response.json()["errors"]


def test_it_says_so_when_i_am_in_no_team(org, api_for):
    loner = UserFactory(staff=True, jobcenter=org.a)
    ApplicationFactory(jobcenter=org.a)
    response = api_for(loner).post(URL)
    assert response.status_code == 409
    assert response.json()["code"] == "no_team"


def test_it_reads_the_queue_row_in_the_locking_query_not_again_after_the_claim(org, api_for):
    oldest = ApplicationFactory(jobcenter=org.a, surname="Abel", team=org.team1, household_size=3)
    client = api_for(org.staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL)

    assert response.json()["id"] == str(oldest.public_id)
    assert response.json()["household_size"] == 3
    assert response.json()["applicant_name"] == "Alex Abel"
    assert response.json()["version"] == oldest.version + 1
    assert response["ETag"] == f'"{oldest.public_id}-{oldest.version + 1}"'
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"applications_application"' in q["sql"]]
    # One read routes pending submissions, one picks (and on PostgreSQL locks) the case with its row's columns.
    assert len(reads) == 2, reads
    assert '"snapshot"' not in reads[1]  # the frozen legal record is not needed for the row


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_its_locking_query_can_walk_the_claim_queue_index_in_order(org):
    """Migration 0003's partial index matches the claim query's filter and order: no sort of the queue."""
    for n in range(3):
        ApplicationFactory(
            jobcenter=org.a, surname="Abel", team=org.team1, lodged_at=timezone.now() - timedelta(minutes=n)
        )
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            services.application_claim_next(user=org.staff)
        locking = next(q["sql"] for q in queries if "SKIP LOCKED" in q["sql"])
        with connection.cursor() as cursor:
            for planner_switch in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {planner_switch} = off")
            cursor.execute("EXPLAIN " + locking)
            plan = "\n".join(line for (line,) in cursor.fetchall())
        transaction.set_rollback(True)
    assert "casework_claim_queue_idx" in plan, plan
    assert "Sort" not in plan.split("SubPlan")[0], plan


def _claim_concurrently(org, api_for, *, workers: int, cases: int) -> None:
    now = timezone.now()
    for n in range(cases):
        ApplicationFactory(jobcenter=org.a, surname="Abel", team=org.team1, lodged_at=now - timedelta(minutes=n))
    people = [UserFactory(staff=True, jobcenter=org.a, teams=[org.team1]) for _ in range(workers)]
    clients = [api_for(person) for person in people]
    claimed: dict[int, list[str]] = {i: [] for i in range(workers)}
    errors: list[str] = []
    start = threading.Barrier(workers)

    def work(index: int) -> None:
        try:
            start.wait()
            while True:
                response = clients[index].post(URL)
                if response.status_code == 204:
                    return
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.content[:200]!r}")
                    return
                claimed[index].append(response.json()["id"])
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    everything = [app_id for ids in claimed.values() for app_id in ids]
    assert len(everything) == cases
    assert len(set(everything)) == cases  # nobody got a case twice
    for index, person in enumerate(people):
        in_db = set(Application.objects.filter(assigned_to=person).values_list("public_id", flat=True))
        assert {str(i) for i in in_db} == set(claimed[index])
    assert AuditEvent.objects.filter(action="application.claim").count() == cases


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_each_of_100_cases_to_exactly_one_of_8_concurrent_claimers(org, api_for):
    """SELECT ... FOR UPDATE SKIP LOCKED: claimers skip each other's rows instead of waiting."""
    _claim_concurrently(org, api_for, workers=8, cases=100)


@pytest.mark.django_db(transaction=True)
def test_it_stays_correct_under_concurrency_on_any_database(org, api_for):
    """On SQLite claims run one after another (IMMEDIATE transactions), still never twice."""
    _claim_concurrently(org, api_for, workers=4, cases=20)
