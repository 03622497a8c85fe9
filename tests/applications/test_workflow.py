"""The transition table: every state x every target, per side."""

import pytest

from applications.constants import ApplicationStatus as S
from applications.models import StatusChange, TimelineEvent
from applications.services import application_lodge
from applications.workflow import TRANSITIONS, allowed_targets, application_transition
from portal.api.problems import Problem
from portal.models import AuditEvent
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory

TRAITS = {
    S.DRAFT: {},
    S.LODGED: {"lodged": True},
    S.SUBMITTED: {"submitted": True},
    S.IN_REVIEW: {"in_review": True},
    S.DOCUMENTS_REQUESTED: {"documents_requested": True},
    S.APPROVED: {"approved": True},
    S.REJECTED: {"rejected": True},
    S.WITHDRAWN: {"withdrawn": True},
}
CITIZEN_MOVES = {
    (S.DRAFT, S.LODGED),
    (S.LODGED, S.SUBMITTED),
    *((source, S.WITHDRAWN) for source in (S.LODGED, S.SUBMITTED, S.IN_REVIEW, S.DOCUMENTS_REQUESTED)),
}
STAFF_MOVES = {
    (S.SUBMITTED, S.IN_REVIEW),
    (S.IN_REVIEW, S.DOCUMENTS_REQUESTED),
    (S.DOCUMENTS_REQUESTED, S.IN_REVIEW),
    (S.IN_REVIEW, S.APPROVED),
    (S.IN_REVIEW, S.REJECTED),
}


def move(application, target, actor, reason=""):
    """Lodging needs its date and reference, so it goes through its service (which uses the table)."""
    if target == S.LODGED and application.status == S.DRAFT:
        return application_lodge(application=application, actor=actor)
    return application_transition(application=application, target=target, actor=actor, reason=reason)


def test_it_has_exactly_the_documented_table():
    assert {(t.source, t.target) for t in TRANSITIONS} == CITIZEN_MOVES | STAFF_MOVES
    assert allowed_targets(S.APPROVED) == allowed_targets(S.REJECTED) == allowed_targets(S.WITHDRAWN) == []


@pytest.mark.parametrize("side", ["citizen", "staff"])
@pytest.mark.parametrize("source", list(S))
def test_it_allows_each_side_only_its_moves(db, side, source):
    allowed = CITIZEN_MOVES if side == "citizen" else STAFF_MOVES
    expected_next = {t for s, t in allowed if s == source}
    for target in S:
        if target == source:
            continue
        application = ApplicationFactory(**TRAITS[source])
        if side == "citizen":
            actor = application.applicant
        else:
            actor = UserFactory(staff=True, jobcenter=application.jobcenter)
        if (source, target) in allowed:
            moved = move(application, target, actor, reason="why")
            assert moved.status == target
            assert StatusChange.objects.filter(application=application, from_status=source, to_status=target).exists()
            assert TimelineEvent.objects.filter(application=application).last().kind == target
            assert AuditEvent.objects.filter(
                action="application.transition",
                object_id=str(application.public_id),
                data={"from": source, "to": target},
            ).exists()
        else:
            with pytest.raises(Problem) as refused:
                move(application, target, actor)
            assert refused.value.status_code == 409
            assert set(refused.value.extra["allowed"]) == expected_next
            application.refresh_from_db()
            assert application.status == source
            assert not StatusChange.objects.filter(application=application).exists()


def test_it_refuses_staff_of_another_jobcenter(db):
    application = ApplicationFactory(submitted=True)
    stranger = UserFactory(staff=True)

    with pytest.raises(Problem) as refused:
        application_transition(application=application, target=S.IN_REVIEW, actor=stranger)

    assert refused.value.extra["allowed"] == []


def test_it_does_nothing_when_the_state_does_not_change(db):
    application = ApplicationFactory(in_review=True)
    staff = UserFactory(staff=True, jobcenter=application.jobcenter)

    same = application_transition(application=application, target=S.IN_REVIEW, actor=staff)

    assert same.version == application.version
    assert not StatusChange.objects.exists()


def test_it_stamps_the_decision_time(db):
    application = ApplicationFactory(in_review=True)
    staff = UserFactory(staff=True, jobcenter=application.jobcenter)

    decided = application_transition(application=application, target=S.REJECTED, actor=staff, reason="Income too high")

    assert decided.decided_at is not None
    assert TimelineEvent.objects.get(application=application).data == {"reason": "Income too high"}
