"""Reads of the staff side: the queue, a case's parts, the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.constants import DECIDED_STATUSES as DECIDED
from applications.constants import ApplicationStatus, DocumentRequestStatus, Relationship
from applications.models import Application, DocumentRequest, HouseholdMember, Message
from casework import conf
from casework.access import UNDECIDED, applications_visible_to
from casework.deadlines import (
    Flag,
    berlin_date,
    inaction_clock,
    lodged_before_for_flag,
    start_of_berlin_day,
)
from casework.stats import duration_summary
from portal.models import Team


def today_in_berlin() -> date:
    return berlin_date(timezone.now())


def _count_of(queryset) -> Coalesce:
    """A correlated COUNT(*) per application: one query for the whole page, however long."""
    counted = queryset.filter(application=OuterRef("pk")).order_by().values("application")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0))


def _applicant(field: str) -> Subquery:
    return Subquery(
        HouseholdMember.objects.filter(application=OuterRef("pk"), relationship=Relationship.APPLICANT).values(field)[
            :1
        ]
    )


def with_queue_columns(
    queryset: QuerySet[Application], *, today: date, related: tuple[str, ...] = ("team", "assigned_to")
) -> QuerySet[Application]:
    """What staff need to triage, annotated in the same SELECT (no N+1).

    ``related``: the people and teams joined in (a claim knows its assignee already)."""
    return queryset.select_related(*related).annotate(
        applicant_first_name=_applicant("first_name"),
        applicant_last_name=_applicant("last_name"),
        household_size=_count_of(HouseholdMember.objects.all()),
        open_document_requests=_count_of(DocumentRequest.objects.filter(status=DocumentRequestStatus.OPEN)),
        overdue_document_requests=_count_of(
            DocumentRequest.objects.filter(status=DocumentRequestStatus.OPEN, deadline__lt=today)
        ),
        unread_messages=_count_of(Message.objects.filter(from_jobcenter=False, read_by_jobcenter_at__isnull=True)),
    )


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = UNDECIDED
    team_public_id: str | None = None
    assigned: str = "any"  # any | me | unassigned | others
    assignee_public_id: str | None = None
    deadline: str | None = None  # warning | critical | expired: at least this flag
    documents_overdue: bool = False
    unread: bool = False
    lodged_from: date | None = None  # Berlin dates, inclusive
    lodged_to: date | None = None


def clock_cutoff(flag: str, *, today: date) -> datetime:
    warning, critical = conf.deadline_warning_months()
    return lodged_before_for_flag(
        flag=flag, today=today, months=conf.inaction_deadline_months(), warning=warning, critical=critical
    )


def queue_applications_for_staff(*, user, filters: QueueFilters, today: date) -> QuerySet[Application]:
    queryset = applications_visible_to(user=user).filter(status__in=filters.statuses)
    if filters.team_public_id:
        queryset = queryset.filter(team__public_id=filters.team_public_id)
    if filters.assigned == "me":
        queryset = queryset.filter(assigned_to=user)
    elif filters.assigned == "unassigned":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif filters.assigned == "others":
        queryset = queryset.exclude(assigned_to=user).filter(assigned_to__isnull=False)
    if filters.assignee_public_id:
        queryset = queryset.filter(assigned_to__public_id=filters.assignee_public_id)
    if filters.deadline:
        # The §88 SGG clock stops with the decision: only undecided cases carry a flag.
        queryset = queryset.filter(status__in=UNDECIDED, lodged_at__lt=clock_cutoff(filters.deadline, today=today))
    if filters.lodged_from:
        queryset = queryset.filter(lodged_at__gte=start_of_berlin_day(filters.lodged_from))
    if filters.lodged_to:
        queryset = queryset.filter(lodged_at__lt=start_of_berlin_day(filters.lodged_to + timedelta(days=1)))
    queryset = with_queue_columns(queryset, today=today)
    if filters.documents_overdue:
        queryset = queryset.filter(overdue_document_requests__gt=0)
    if filters.unread:
        queryset = queryset.filter(unread_messages__gt=0)
    return queryset


def clock_of(application: Application, *, today: date):
    """The §88 SGG clock of an undecided application (None once decided or withdrawn)."""
    if application.status not in UNDECIDED or application.lodged_at is None:
        return None
    warning, critical = conf.deadline_warning_months()
    return inaction_clock(
        lodged_at=application.lodged_at,
        today=today,
        months=conf.inaction_deadline_months(),
        warning=warning,
        critical=critical,
    )


def document_request_is_overdue(request: DocumentRequest, *, today: date) -> bool:
    return request.status == DocumentRequestStatus.OPEN and request.deadline < today


def unread_counts_for_staff(*, user) -> dict[str, int]:
    """Unread citizen messages over the user's cases and the whole Jobcenter."""
    unread = Message.objects.filter(
        application__in=applications_visible_to(user=user), from_jobcenter=False, read_by_jobcenter_at__isnull=True
    )
    return unread.aggregate(
        total=Count("pk"),
        mine=Count("pk", filter=Q(application__assigned_to=user)),
        cases=Count("application", distinct=True),
    )


STATS_WINDOWS = (30, 90)
STATUS_ORDER = [s for s in ApplicationStatus.values if s not in (ApplicationStatus.DRAFT, ApplicationStatus.LODGED)]


def queue_stats(*, jobcenter_id: int, now: datetime) -> dict:
    """The Jobcenter's figures, overall and per team ("schnelle Leistungsgewährung").

    - ``counts``: submitted applications per status;
    - ``processing_days``: median and 90th percentile of days from lodging to
      decision, over the decisions of the last 30 and 90 days;
    - ``overdue_document_requests``: open requests past their deadline;
    - ``inaction_deadline``: undecided cases by §88 SGG flag, each case counted
      once, in its strongest flag (warning, critical, expired).
    """
    today = berlin_date(now)
    applications = Application.objects.filter(jobcenter_id=jobcenter_id, submitted_at__isnull=False)
    buckets: dict[int | None, dict] = {}

    def bucket(team_id: int | None) -> dict:
        if team_id not in buckets:
            buckets[team_id] = {
                "counts": {status: 0 for status in STATUS_ORDER},
                "durations": {window: [] for window in STATS_WINDOWS},
                "overdue_document_requests": 0,
                "inaction_deadline": {Flag.WARNING: 0, Flag.CRITICAL: 0, Flag.EXPIRED: 0},
            }
        return buckets[team_id]

    # Key None: the Jobcenter as a whole; a team's pk; 0: not yet routed to a team.
    for row in applications.values("team_id", "status").annotate(n=Count("pk")):
        for key in (None, row["team_id"] or 0):
            bucket(key)["counts"][row["status"]] += row["n"]

    oldest = now - timedelta(days=max(STATS_WINDOWS))
    decided = applications.filter(status__in=DECIDED, decided_at__gte=oldest).values_list(
        "team_id", "lodged_at", "decided_at"
    )
    for team_id, lodged_at, decided_at in decided:
        for window in STATS_WINDOWS:
            if decided_at >= now - timedelta(days=window):
                for key in (None, team_id or 0):
                    bucket(key)["durations"][window].append((lodged_at, decided_at))

    overdue = (
        DocumentRequest.objects.filter(
            application__in=applications, status=DocumentRequestStatus.OPEN, deadline__lt=today
        )
        .values("application__team_id")
        .annotate(n=Count("pk"))
    )
    for row in overdue:
        for key in (None, row["application__team_id"] or 0):
            bucket(key)["overdue_document_requests"] += row["n"]

    cutoffs = {flag: clock_cutoff(flag, today=today) for flag in (Flag.WARNING, Flag.CRITICAL, Flag.EXPIRED)}
    flagged = (
        applications.filter(status__in=UNDECIDED, lodged_at__lt=cutoffs[Flag.WARNING])
        .values("team_id")
        .annotate(
            expired=Count("pk", filter=Q(lodged_at__lt=cutoffs[Flag.EXPIRED])),
            critical=Count("pk", filter=Q(lodged_at__lt=cutoffs[Flag.CRITICAL], lodged_at__gte=cutoffs[Flag.EXPIRED])),
            warning=Count("pk", filter=Q(lodged_at__gte=cutoffs[Flag.CRITICAL])),
        )
    )
    for row in flagged:
        for key in (None, row["team_id"] or 0):
            for flag in (Flag.WARNING, Flag.CRITICAL, Flag.EXPIRED):
                bucket(key)["inaction_deadline"][flag] += row[flag]

    bucket(None)
    teams = {t.pk: t for t in Team.objects.filter(jobcenter_id=jobcenter_id, pk__in=[k for k in buckets if k])}

    def render(data: dict) -> dict:
        return {
            "counts": data["counts"],
            "processing_days": {
                f"last_{window}_days": duration_summary(data["durations"][window]) for window in STATS_WINDOWS
            },
            "overdue_document_requests": data["overdue_document_requests"],
            "inaction_deadline": data["inaction_deadline"],
        }

    team_rows = []
    for key in sorted((k for k in buckets if k is not None), key=lambda k: (k == 0, teams[k].name if k else "")):
        team = teams.get(key)
        team_rows.append(
            {"team": {"id": str(team.public_id), "name": team.name} if team else None, **render(buckets[key])}
        )
    return {
        "generated_at": now,
        "today": today,
        "deadline_months": conf.inaction_deadline_months(),
        "jobcenter": render(buckets[None]),
        "teams": team_rows,
    }
