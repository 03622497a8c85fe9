"""Reads of the staff side: the queue, a case's parts, the figures.

A read of a citizen's social data by staff is recorded (Sozialgeheimnis, §35
SGB I): the selectors that hand such data to a view write the audit event
themselves, so that no view can read without it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from applications.constants import DECIDED_STATUSES as DECIDED
from applications.constants import IN_CASEWORK_STATUSES, ApplicationStatus, DocumentRequestStatus, Relationship
from applications.models import Application, Document, DocumentRequest, HouseholdMember, Message, StatusChange
from applications.selectors import application_get_for_owner, child_get, documents_for
from applications.workflow import STAFF, allowed_targets
from casework import conf
from casework.access import application_get_for_staff, applications_visible_to, is_caseworker
from casework.deadlines import Flag, add_months, inaction_clock, latest_lodging_day, lodged_before_for_flag
from casework.models import Decision, InternalNote
from casework.stats import duration_summary, percentile
from portal.api.problems import Problem
from portal.audit import AuditAction, audit_record
from portal.clock import berlin_date, berlin_datetime, berlin_month_start
from portal.models import Team, User


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
        overdue_document_requests=_count_of(DocumentRequest.objects.overdue(today)),
        unread_messages=_count_of(Message.objects.filter(from_jobcenter=False, read_by_jobcenter_at__isnull=True)),
    )


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = tuple(IN_CASEWORK_STATUSES)
    team_public_id: str | None = None
    assigned: str = "any"  # any | me | unassigned | others
    assignee_public_id: str | None = None
    deadline: str | None = None  # warning | critical | expired: at least this flag
    documents_overdue: bool = False
    unread: bool = False
    lodged_from: date | None = None  # Berlin dates, inclusive
    lodged_to: date | None = None
    kind: str | None = None  # ApplicationKind

    @classmethod
    def of(cls, query: dict) -> QueueFilters:
        """The filters of a parsed queue query (the API's ``QueueQueryIn``, the workbench's form)."""
        return cls(
            **({"statuses": tuple(query["status"])} if query.get("status") else {}),
            team_public_id=query.get("team"),
            assigned=query.get("assigned") or "any",
            assignee_public_id=query.get("assignee"),
            # "overdue": the §88 SGG clock shows at least a warning.
            deadline=query.get("deadline") or (Flag.WARNING if query.get("overdue") else None),
            documents_overdue=bool(query.get("documents_overdue")),
            unread=bool(query.get("unread")),
            lodged_from=query.get("lodged_from"),
            lodged_to=query.get("lodged_to"),
            kind=query.get("kind") or None,
        )


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
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.assignee_public_id:
        queryset = queryset.filter(assigned_to__public_id=filters.assignee_public_id)
    if filters.deadline:
        # The §88 SGG clock stops with the decision: only undecided cases carry a flag.
        queryset = queryset.filter(
            status__in=IN_CASEWORK_STATUSES, lodged_at__lt=clock_cutoff(filters.deadline, today=today)
        )
    if filters.lodged_from:
        queryset = queryset.filter(lodged_at__gte=berlin_datetime(filters.lodged_from))
    if filters.lodged_to:
        queryset = queryset.filter(lodged_at__lt=berlin_datetime(filters.lodged_to + timedelta(days=1)))
    queryset = with_queue_columns(queryset, today=today)
    if filters.documents_overdue:
        queryset = queryset.filter(overdue_document_requests__gt=0)
    if filters.unread:
        queryset = queryset.filter(unread_messages__gt=0)
    return queryset


def clock_of(application: Application, *, today: date):
    """The §88 SGG clock of an undecided application (None once decided or withdrawn)."""
    if application.status not in IN_CASEWORK_STATUSES or application.lodged_at is None:
        return None
    warning, critical = conf.deadline_warning_months()
    return inaction_clock(
        lodged_at=application.lodged_at,
        today=today,
        months=conf.inaction_deadline_months(),
        warning=warning,
        critical=critical,
    )


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
STATS_MONTHS = 12
# Age bands of the queue in days since lodging: (from, to), to None = open-ended.
QUEUE_AGE_BANDS = ((0, 7), (8, 30), (31, 90), (91, 180), (181, None))


def last_months(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months up to ``today``'s, oldest first."""
    first = berlin_month_start(today)
    return [add_months(first, -back) for back in range(count - 1, -1, -1)]


def deadline_within_cutoff(*, today: date, days: int) -> datetime:
    """Applications lodged before this instant reach the end of their §88 SGG
    period by ``today + days`` (``add_months`` never decreases)."""
    last = latest_lodging_day(today=today + timedelta(days=days), months=conf.inaction_deadline_months())
    return berlin_datetime(last + timedelta(days=1))


def queue_age_summary(ages: list[int]) -> dict:
    """How many undecided cases, their median and largest age in days, and how many per age band."""
    median = percentile(ages, 0.5)
    return {
        "size": len(ages),
        "median_age_days": None if median is None else round(median, 1),
        "oldest_age_days": max(ages, default=None),
        "age_bands": [
            {
                "from_days": low,
                "to_days": high,
                "count": sum(1 for a in ages if a >= low and (high is None or a <= high)),
            }
            for low, high in QUEUE_AGE_BANDS
        ],
    }


STATUS_ORDER = [s for s in ApplicationStatus.values if s not in (ApplicationStatus.DRAFT, ApplicationStatus.LODGED)]


def queue_stats(*, jobcenter_id: int, now: datetime, all_teams: bool = False) -> dict:
    """The Jobcenter's figures, overall and per team ("schnelle Leistungsgewährung").

    - ``counts``: submitted applications per status;
    - ``processing_days``: median and 90th percentile of days from lodging to
      decision, over the decisions of the last 30 and 90 days;
    - ``overdue_document_requests``: open requests past their deadline;
    - ``inaction_deadline``: undecided cases by §88 SGG flag, each case counted
      once, in its strongest flag (warning, critical, expired);
    - ``inaction_deadline_within_30_days``: undecided cases whose §88 SGG
      period ends within the next 30 days (today included, not yet expired);
    - ``queue``: undecided cases, how many and how long since lodging (days,
      Berlin dates), also in age bands (``QUEUE_AGE_BANDS``);
    - ``processing_days_by_month``: median and 90th percentile of days from
      lodging to decision per Berlin month of the decision, the last
      ``STATS_MONTHS`` months, oldest first.

    ``all_teams``: every team of the Jobcenter gets a row, even without cases.
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
                "within_30_days": 0,
                "queue_ages": [],
                "months": {month: [] for month in months},
            }
        return buckets[team_id]

    months = last_months(today, STATS_MONTHS)
    if all_teams:
        for team_id in Team.objects.filter(jobcenter_id=jobcenter_id).values_list("pk", flat=True):
            bucket(team_id)

    # Key None: the Jobcenter as a whole; a team's pk; 0: not yet routed to a team.
    for row in applications.values("team_id", "status").annotate(n=Count("pk")):
        for key in (None, row["team_id"] or 0):
            bucket(key)["counts"][row["status"]] += row["n"]

    oldest = min(now - timedelta(days=max(STATS_WINDOWS)), berlin_datetime(months[0]))
    decided = applications.filter(status__in=DECIDED, decided_at__gte=oldest).values_list(
        "team_id", "lodged_at", "decided_at"
    )
    for team_id, lodged_at, decided_at in decided:
        month = berlin_month_start(berlin_date(decided_at))
        for key in (None, team_id or 0):
            data = bucket(key)
            for window in STATS_WINDOWS:
                if decided_at >= now - timedelta(days=window):
                    data["durations"][window].append((lodged_at, decided_at))
            if month in data["months"]:
                data["months"][month].append((lodged_at, decided_at))

    undecided = applications.filter(status__in=IN_CASEWORK_STATUSES)
    for team_id, lodged_at in undecided.values_list("team_id", "lodged_at"):
        for key in (None, team_id or 0):
            bucket(key)["queue_ages"].append((today - berlin_date(lodged_at)).days)

    overdue = (
        DocumentRequest.objects.overdue(today)
        .filter(application__in=applications)
        .values("application__team_id")
        .annotate(n=Count("pk"))
    )
    for row in overdue:
        for key in (None, row["application__team_id"] or 0):
            bucket(key)["overdue_document_requests"] += row["n"]

    cutoffs = {flag: clock_cutoff(flag, today=today) for flag in (Flag.WARNING, Flag.CRITICAL, Flag.EXPIRED)}
    flagged = (
        applications.filter(status__in=IN_CASEWORK_STATUSES, lodged_at__lt=cutoffs[Flag.WARNING])
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

    within = undecided.filter(
        lodged_at__gte=cutoffs[Flag.EXPIRED], lodged_at__lt=deadline_within_cutoff(today=today, days=30)
    )
    for row in within.values("team_id").annotate(n=Count("pk")):
        for key in (None, row["team_id"] or 0):
            bucket(key)["within_30_days"] += row["n"]

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
            "inaction_deadline_within_30_days": data["within_30_days"],
            "queue": queue_age_summary(data["queue_ages"]),
            "processing_days_by_month": [
                {"month": month.strftime("%Y-%m"), **duration_summary(pairs)} for month, pairs in data["months"].items()
            ],
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


def inaction_deadline_cases_for_staff(*, user, today: date, days: int = 30, team: Team | None = None) -> list:
    """Undecided cases whose §88 SGG period ends within ``days`` days (today
    included), soonest first, each with its ``clock``; the read is audited like
    a queue page, since it names cases."""
    queryset = applications_visible_to(user=user).filter(
        status__in=IN_CASEWORK_STATUSES,
        lodged_at__gte=clock_cutoff(Flag.EXPIRED, today=today),
        lodged_at__lt=deadline_within_cutoff(today=today, days=days),
    )
    if team is not None:
        queryset = queryset.filter(team=team)
    cases = list(queryset.select_related("team", "assigned_to").order_by("lodged_at", "id"))
    for application in cases:
        application.clock = clock_of(application, today=today)
    audit_record(
        actor=user,
        action=AuditAction.QUEUE_LIST,
        object_type="casework.queue",
        object_id="inaction_deadline",
        data={"applications": [str(a.public_id) for a in cases]},
    )
    return cases


# --- one case ---------------------------------------------------------------------------------
def case_read_for_staff(*, user, public_id: uuid.UUID | str, action: AuditAction, **data) -> Application:
    """The case if ``user`` may read it (else 404), the read recorded as ``action``."""
    application = application_get_for_staff(user=user, public_id=public_id)
    audit_record(actor=user, action=action, obj=application, data=data)
    return application


def case_detail_for_staff(*, user, public_id: uuid.UUID | str, today: date) -> Application:
    """Everything staff need to decide, in a fixed number of queries, the read audited.

    The application carries its queue columns (``with_queue_columns``), its
    documents, requests (with their uploads) and history in order, its decision
    (or none), and ``allowed_transitions``: the next states for caseworkers,
    none for counsellors, who only read.
    """
    queryset = (
        with_queue_columns(applications_visible_to(user=user), today=today)
        .select_related("decision")
        .prefetch_related(
            Prefetch(
                "documents", queryset=Document.objects.select_related("document_request").order_by("created_at", "id")
            ),
            Prefetch(
                "document_requests",
                queryset=DocumentRequest.objects.select_related("created_by").prefetch_related("documents"),
            ),
            Prefetch(
                "status_changes", queryset=StatusChange.objects.select_related("actor").order_by("created_at", "id")
            ),
        )
    )
    try:
        application = queryset.get(public_id=public_id)
    except (Application.DoesNotExist, ValueError):
        raise Http404 from None
    application.allowed_transitions = allowed_targets(application.status, STAFF) if is_caseworker(user) else []
    audit_record(actor=user, action=AuditAction.APPLICATION_READ, obj=application)
    return application


def queue_row_for_staff(*, application: Application, today: date) -> Application:
    """One application read again with its queue columns (as after a change)."""
    return with_queue_columns(Application.objects.filter(pk=application.pk), today=today).get()


def document_requests_of_case(*, user, public_id: uuid.UUID | str) -> QuerySet[DocumentRequest]:
    """The case's requests to cooperate with their uploads, by deadline; the read audited."""
    application = case_read_for_staff(
        user=user, public_id=public_id, action=AuditAction.APPLICATION_DOCUMENT_REQUESTS_READ
    )
    return (
        application.document_requests.select_related("created_by")
        .prefetch_related("documents")
        .order_by("deadline", "id")
    )


def document_request_for_staff(*, pk: int) -> DocumentRequest:
    """A request as the staff API shows it (after a service changed it)."""
    return DocumentRequest.objects.select_related("created_by").prefetch_related("documents").get(pk=pk)


def notes_of_case(*, user, public_id: uuid.UUID | str) -> QuerySet[InternalNote]:
    application = case_read_for_staff(user=user, public_id=public_id, action=AuditAction.APPLICATION_NOTES_READ)
    return InternalNote.objects.filter(application=application).select_related("author")


def document_for_staff(*, user, public_id: uuid.UUID | str, document_id: uuid.UUID | str) -> Document:
    """A citizen's evidence on a case ``user`` may read (404 otherwise); the read recorded."""
    application = application_get_for_staff(user=user, public_id=public_id)
    document = child_get(queryset=documents_for(application=application), public_id=document_id)
    audit_record(
        actor=user,
        action=AuditAction.DOCUMENT_READ,
        obj=document,
        jobcenter=application.jobcenter_id,
        data={"application": str(application.public_id)},
    )
    return document


def decision_of(*, application: Application) -> Decision:
    """The decision on ``application``; 404 while there is none."""
    decision = Decision.objects.filter(application=application).select_related("application").first()
    if decision is None:
        raise Http404
    return decision


def decision_for_citizen(*, user, public_id: uuid.UUID | str, action: AuditAction | None = None) -> Decision:
    """The decision on the applicant's own application (404 for anyone else);
    with ``action``, the read is recorded (the notice's download)."""
    application = application_get_for_owner(user=user, public_id=public_id)
    decision = decision_of(application=application)
    if action is not None:
        audit_record(actor=user, action=action, obj=application, data={"decision": str(decision.public_id)})
    return decision


def decision_for_staff(*, user, public_id: uuid.UUID | str, action: AuditAction) -> Decision:
    """The decision on a case ``user`` may read (404 otherwise), the read recorded as ``action``."""
    application = application_get_for_staff(user=user, public_id=public_id)
    decision = decision_of(application=application)
    audit_record(actor=user, action=action, obj=application, data={"decision": str(decision.public_id)})
    return decision


# --- people and teams named in a request ------------------------------------------------------
def team_of_jobcenter(*, jobcenter_id: int, public_id: uuid.UUID | str, field: str = "team") -> Team:
    """A team of the Jobcenter, else a 400 naming ``field`` (another Jobcenter's teams do not exist)."""
    team = Team.objects.filter(public_id=public_id, jobcenter_id=jobcenter_id).first()
    if team is None:
        raise Problem.invalid(field, _("There is no team with this id in your Jobcenter."))
    return team


def staff_member_of_jobcenter(*, jobcenter_id: int, public_id: uuid.UUID | str, field: str = "assignee") -> User:
    """A person of the Jobcenter, else a 400 naming ``field``.

    Whether they may work cases (an active staff member or team lead) is the
    assigning service's check, which holds the case's lock."""
    user = User.objects.filter(public_id=public_id, jobcenter_id=jobcenter_id).first()
    if user is None:
        raise Problem.invalid(field, _("There is no staff member with this id in your Jobcenter."))
    return user
