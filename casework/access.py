"""Who may see and work which application: the one place that decides.

- Staff and team leads see the submitted applications of their own Jobcenter;
  anything else does not exist for them (404).
- Counsellors see nothing, unless ``CASEWORK_COUNSELLORS_READ_OWN_CLIENTS`` is
  on: then they may read the applications of their own clients, that is the
  citizens they have or had an appointment with (``appointments`` is the one
  record of who counsels whom; a second list kept by hand would drift from it).
- Citizens and everyone else: 403 at the door (``HasRole``), before any lookup.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from applications.constants import IN_CASEWORK_STATUSES
from applications.models import Application
from appointments.selectors import client_ids_of_counsellor
from casework import conf
from portal.api.problems import Problem
from portal.constants import Role


def is_caseworker(user) -> bool:
    return user.has_role(Role.STAFF, Role.TEAM_LEAD) and user.jobcenter_id is not None


def applications_visible_to(*, user) -> QuerySet[Application]:
    """Every application ``user`` may read in the staff views."""
    submitted = Application.objects.filter(submitted_at__isnull=False)
    if is_caseworker(user):
        return submitted.filter(jobcenter_id=user.jobcenter_id)
    if user.has_role(Role.COUNSELLOR) and user.jobcenter_id and conf.counsellors_read_own_clients():
        clients = client_ids_of_counsellor(counsellor=user)
        return submitted.filter(jobcenter_id=user.jobcenter_id, applicant_id__in=clients)
    return Application.objects.none()


def application_get_for_staff(*, user, public_id, for_update: bool = False) -> Application:
    """The application if ``user`` may read it, else 404 (strangers learn nothing)."""
    queryset = applications_visible_to(user=user).select_related("team", "assigned_to", "jobcenter", "applicant")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(public_id=public_id)
    except (Application.DoesNotExist, ValueError):
        raise Http404 from None


def application_get_for_caseworker(*, user, public_id) -> Application:
    """For changes: staff and team leads only (counsellors read at most)."""
    if not is_caseworker(user):
        raise Problem(status=403, code="role_required", detail=_("This function is not available for your role."))
    return application_get_for_staff(user=user, public_id=public_id)


def may_work(*, user, application: Application) -> bool:
    """Writes on a case are for the person it is assigned to, or a team lead
    (who deputises). Others must claim it first: two people must not work the
    same case at once. (The workbench shows action buttons by this rule.)"""
    return user.has_role(Role.TEAM_LEAD) or application.assigned_to_id == user.pk


def ensure_may_work(*, user, application: Application) -> None:
    """``may_work`` or 409 ``not_assigned_to_you``."""
    if may_work(user=user, application=application):
        return
    raise Problem(
        status=409,
        code="not_assigned_to_you",
        detail=_("This case is not assigned to you. Claim it or ask your team lead to assign it to you."),
        extra={"assigned_to": str(application.assigned_to.public_id) if application.assigned_to else None},
    )


def ensure_undecided(application: Application) -> None:
    """Work on a case ends with its decision or withdrawal (409 ``case_closed``)."""
    if application.status not in IN_CASEWORK_STATUSES:
        raise Problem(
            status=409,
            code="case_closed",
            detail=_("This application is already decided or withdrawn."),
            extra={"application_status": application.status},
        )
