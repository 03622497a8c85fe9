"""A rejection needs a reason: one rule in ``services.application_decide`` (and
the preview), whoever calls it. The API's answer stays what its serializer gave."""

import pytest
from django.utils import translation

from applications.constants import ApplicationStatus as S
from casework import services
from casework.models import Decision
from portal.api.problems import Problem
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory

# The API's answer (German, the default language) before the rule moved out of ``DecisionIn`` (its serializer's error, flattened).
REFUSAL = {
    "type": "https://jobcenter-digital.example/problems/validation",
    "title": "Ungültige Eingabe.",
    "status": 400,
    "detail": "Einige Felder sind ungültig; siehe errors.",
    "code": "validation",
    "errors": {"reason": ["Eine Ablehnung braucht eine Begründung."]},
}


@pytest.fixture
def case(org):
    return ApplicationFactory(jobcenter=org.a, status=S.IN_REVIEW, team=org.team1, assigned_to=org.staff)


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_it_refuses_a_rejection_without_a_reason_in_the_service(org, case, reason):
    with translation.override("en"), pytest.raises(Problem) as refused:
        services.application_decide(application=case, actor=org.staff, outcome="rejected", reason=reason)
    assert refused.value.status_code == 400
    assert refused.value.errors == {"reason": ["A rejection needs a reason."]}
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW and case.decided_at is None
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action="application.decide").exists()


def test_it_refuses_to_preview_a_rejection_without_a_reason(org, case):
    with pytest.raises(Problem) as refused:
        services.decision_notice_preview(application=case, outcome="rejected", reason=" ")
    assert "reason" in refused.value.errors


def test_it_decides_a_rejection_with_a_reason(org, case, _private_storage):
    decision = services.application_decide(
        application=case, actor=org.staff, outcome="rejected", reason="Einkommen über dem Bedarf."
    )
    assert decision.reason == "Einkommen über dem Bedarf."
    case.refresh_from_db()
    assert case.status == S.REJECTED


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("decision/", {"outcome": "rejected", "reason": "  "}),
        ("decision/", {"outcome": "rejected"}),
        ("transition/", {"target": "rejected"}),
    ],
)
def test_the_api_answers_as_before(org, case, api_for, path, body):
    response = api_for(org.staff).post(f"/api/v1/queue/applications/{case.public_id}/{path}", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == REFUSAL
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW
    assert not Decision.objects.exists()
