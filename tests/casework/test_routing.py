"""A new submission goes to a team by its Jobcenter's routing rules."""

from casework.models import RoutingRule
from casework.services import applications_route_pending
from portal.models import AuditEvent
from tests.casework.factories import ApplicationFactory


def test_it_routes_by_surname_range_and_default(org):
    abel = ApplicationFactory(jobcenter=org.a, surname="Ärger")
    zander = ApplicationFactory(jobcenter=org.a, surname="Zander")
    cyrillic = ApplicationFactory(jobcenter=org.a, surname="Шевченко")
    draft = ApplicationFactory(jobcenter=org.a, status="lodged", surname="Zander")
    foreign = ApplicationFactory(jobcenter=org.b, surname="Zander")

    assert applications_route_pending(jobcenter_id=org.a.pk) == 3
    assert applications_route_pending(jobcenter_id=org.a.pk) == 0  # once only

    for app, team in ((abel, org.team1), (zander, org.team2), (cyrillic, org.team1), (draft, None), (foreign, None)):
        app.refresh_from_db()
        assert app.team == team
    assert AuditEvent.objects.filter(action="application.route").count() == 3


def test_it_never_moves_an_application_that_has_a_team(org):
    app = ApplicationFactory(jobcenter=org.a, surname="Abel", team=org.team2)
    applications_route_pending(jobcenter_id=org.a.pk)
    app.refresh_from_db()
    assert app.team == org.team2


def test_it_leaves_applications_unrouted_without_rules(org):
    RoutingRule.objects.filter(jobcenter=org.a).delete()
    app = ApplicationFactory(jobcenter=org.a)
    assert applications_route_pending(jobcenter_id=org.a.pk) == 0
    app.refresh_from_db()
    assert app.team is None
