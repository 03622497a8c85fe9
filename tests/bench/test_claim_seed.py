"""bench.rows.claim.seed_queue seeds a queue the claim-next API hands out, oldest first."""

import pytest
from rest_framework.test import APIClient

from applications.constants import ApplicationStatus
from applications.models import Application
from bench.rows.claim import seed_queue
from portal.audit import audit_record
from portal.constants import Role


class _Answer:
    """What the bench's load client gives ``claimed_id``: a status and a JSON body."""

    def __init__(self, response):
        self.status = response.status_code
        self._json = response.json() if response.content else None

    def json(self):
        return self._json


def _claim(request):
    response = APIClient().generic(request.method, request.path, headers=request.headers)
    return _Answer(response)


@pytest.mark.django_db
def test_it_seeds_submitted_applications_and_staff_with_working_sessions():
    scenario = seed_queue(applications=5, staff=2)

    assert len(scenario.requests) == 2
    queue = Application.objects.filter(reference__startswith="BC-").order_by("lodged_at", "id")
    assert queue.count() == 5
    assert set(queue.values_list("status", flat=True)) == {ApplicationStatus.SUBMITTED}
    assert all(a.team is not None and a.assigned_to is None and a.submitted_at for a in queue)
    assert queue.values("team").distinct().count() == 1
    staff = list(queue[0].team.members.all())
    assert len(staff) == 2
    assert all(person.has_role(Role.STAFF) and person.jobcenter_id == queue[0].jobcenter_id for person in staff)

    first = _claim(scenario.requests[0])
    second = _claim(scenario.requests[1])
    assert first.status == scenario.claimed
    assert scenario.claimed_id(first) == str(queue[0].public_id)  # oldest lodged first
    assert scenario.claimed_id(second) == str(queue[1].public_id)
    assert first.json()["assigned_to"] is not None
    assert scenario.duplicates() == 0


@pytest.mark.django_db
def test_it_answers_empty_once_drained_and_counts_duplicates_from_the_audit_trail():
    scenario = seed_queue(applications=2, staff=1)
    claimed = [scenario.claimed_id(_claim(scenario.requests[0])) for _ in range(2)]
    empty = _claim(scenario.requests[0])
    assert empty.status == scenario.empty
    assert scenario.claimed_id(empty) is None

    twice = Application.objects.get(public_id=claimed[0])
    audit_record(actor=None, action="application.claim", obj=twice, jobcenter=twice.jobcenter_id)
    assert scenario.duplicates() == 1


@pytest.mark.django_db
def test_each_call_seeds_a_queue_of_its_own():
    one = seed_queue(applications=1, staff=1)
    other = seed_queue(applications=1, staff=1)
    mine = one.claimed_id(_claim(one.requests[0]))
    theirs = other.claimed_id(_claim(other.requests[0]))
    assert mine and theirs and mine != theirs
    assert _claim(one.requests[0]).status == one.empty
