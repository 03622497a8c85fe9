"""The team lead's dashboard: the figures of ``queue/stats/`` as charts and tables.

Every figure comes from the selectors the API reads (``queue_stats``,
``appointment_stats``); this module only arranges them. Each table is built
once (``dashboard_tables``) and shown as HTML beside its chart and downloaded
as CSV, so page and file cannot disagree.

Access: team leads of the Jobcenter, with their second factor (the API's
``IsTeamLead``); a team of another Jobcenter does not exist (404).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException

from applications.constants import ApplicationStatus
from appointments.selectors import appointment_outcomes_by_month
from casework import selectors
from casework.web.charts import Series, bar_chart
from portal.api.permissions import IsTeamLead
from portal.clock import berlin_date
from portal.models import Team

APPOINTMENT_MONTHS = 6


def team_lead_page(view):
    """Anonymous: to the login with ``?next=``. Logged in: the API's ``IsTeamLead``
    (role and second factor); a refusal is a page with the API's status."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            IsTeamLead().has_permission(request, None)
        except APIException as refusal:
            return render(
                request, "casework/dashboard/refused.html", {"detail": refusal.detail}, status=refusal.status_code
            )
        return view(request, *args, **kwargs)

    return wrapper


@dataclass
class Table:
    slug: str
    caption: str
    headers: list[str]
    rows: list[list]
    chart: SafeString | None = None


def _team_of(request) -> Team | None:
    """The team chosen with ``?team=``, one of the user's Jobcenter; None: the whole Jobcenter."""
    public_id = request.GET.get("team") or None
    if public_id is None:
        return None
    try:
        return Team.objects.get(jobcenter_id=request.user.jobcenter_id, public_id=uuid.UUID(public_id))
    except (ValueError, Team.DoesNotExist):
        raise Http404 from None


def _figures_of(stats: dict, team: Team | None) -> dict:
    if team is None:
        return stats["jobcenter"]
    return next(row for row in stats["teams"] if row["team"] and row["team"]["id"] == str(team.public_id))


def _month(day) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def _band(band: dict) -> str:
    if band["to_days"] is None:
        return _("more than %(days)s days") % {"days": band["from_days"] - 1}
    return _("%(low)s to %(high)s days") % {"low": band["from_days"], "high": band["to_days"]}


def _states(figures: dict) -> Table:
    labels = [str(ApplicationStatus(status).label) for status in figures["counts"]]
    values = list(figures["counts"].values())
    caption = _("Cases per state")
    return Table(
        "states",
        caption,
        [_("State"), _("Cases")],
        [list(pair) for pair in zip(labels, values, strict=True)],
        bar_chart(
            chart_id="chart-states",
            title=caption,
            description=_("Bar chart: the number of submitted applications in each state."),
            labels=labels,
            series=[Series(_("Cases"), values)],
        ),
    )


def _queue_age(figures: dict) -> Table:
    bands = figures["queue"]["age_bands"]
    labels = [_band(band) for band in bands]
    values = [band["count"] for band in bands]
    caption = _("Age of the queue")
    return Table(
        "age",
        caption,
        [_("Days since lodging"), _("Undecided cases")],
        [list(pair) for pair in zip(labels, values, strict=True)],
        bar_chart(
            chart_id="chart-age",
            title=caption,
            description=_("Bar chart: undecided cases by days since the application was lodged."),
            labels=labels,
            series=[Series(_("Undecided cases"), values)],
        ),
    )


def _processing(figures: dict) -> Table:
    months = figures["processing_days_by_month"]
    labels = [_month(date.fromisoformat(f"{m['month']}-01")) for m in months]
    caption = _("Processing time per month")
    median, p90 = _("Median (days)"), _("90th percentile (days)")
    return Table(
        "processing",
        caption,
        [_("Month of decision"), _("Decisions"), median, p90],
        [[label, m["count"], m["median_days"], m["p90_days"]] for label, m in zip(labels, months, strict=True)],
        bar_chart(
            chart_id="chart-processing",
            title=caption,
            description=_(
                "Bar chart: days from lodging to decision per month of the decision, "
                "the median and the 90th percentile; a dash where there was no decision."
            ),
            labels=labels,
            series=[Series(median, [m["median_days"] for m in months]), Series(p90, [m["p90_days"] for m in months])],
        ),
    )


def _deadlines(cases: list) -> Table:
    return Table(
        "deadlines",
        _("Cases whose §88 SGG period ends within 30 days"),
        [_("Reference number"), _("Team"), _("Assigned to"), _("Lodged on"), _("Period ends on"), _("Days left")],
        [
            [
                case.reference,
                case.team.name if case.team else _("not routed"),
                case.assigned_to.get_full_name() or case.assigned_to.email if case.assigned_to else _("nobody"),
                date_format(case.clock.lodged_on, "SHORT_DATE_FORMAT"),
                date_format(case.clock.deadline, "SHORT_DATE_FORMAT"),
                case.clock.days_left,
            ]
            for case in cases
        ],
    )


def _overdue(stats: dict, team: Team | None) -> Table:
    rows = [
        [row["team"]["name"] if row["team"] else _("not routed"), row["overdue_document_requests"]]
        for row in stats["teams"]
        if team is None or (row["team"] and row["team"]["id"] == str(team.public_id))
    ]
    caption = _("Overdue document requests per team")
    return Table(
        "overdue",
        caption,
        [_("Team"), _("Overdue requests")],
        rows,
        bar_chart(
            chart_id="chart-overdue",
            title=caption,
            description=_("Bar chart: open document requests past their deadline, per team."),
            labels=[row[0] for row in rows],
            series=[Series(_("Overdue requests"), [row[1] for row in rows])],
        ),
    )


def _appointments(outcomes: list) -> Table:
    labels = [_month(row["month"]) for row in outcomes]
    attended, missed = _("Attended"), _("Missed")
    caption = _("Appointments attended and missed")
    return Table(
        "appointments",
        caption,
        [_("Month"), attended, missed],
        [[label, row["attended"], row["no_shows"]] for label, row in zip(labels, outcomes, strict=True)],
        bar_chart(
            chart_id="chart-appointments",
            title=caption,
            description=_("Bar chart: appointments per month that were attended and that were missed."),
            labels=labels,
            series=[
                Series(attended, [r["attended"] for r in outcomes]),
                Series(missed, [r["no_shows"] for r in outcomes]),
            ],
        ),
    )


def dashboard_tables(request, team: Team | None, *, only: str | None = None) -> tuple[dict, dict[str, Table]]:
    """The figures and the tables of the dashboard for the whole Jobcenter or
    ``team`` (``only``: just that table; the case list is read, and audited,
    only when it is wanted)."""
    user = request.user
    now = timezone.now()
    today = berlin_date(now)
    stats = selectors.queue_stats(jobcenter_id=user.jobcenter_id, now=now, all_teams=True)
    figures = _figures_of(stats, team)

    def deadlines() -> Table:
        return _deadlines(selectors.inaction_deadline_cases_for_staff(user=user, today=today, team=team))

    def appointments() -> Table:
        months = selectors.last_months(today, APPOINTMENT_MONTHS)
        team_public_id = str(team.public_id) if team else None
        return _appointments(
            appointment_outcomes_by_month(jobcenter_id=user.jobcenter_id, months=months, team_public_id=team_public_id)
        )

    builders: dict[str, Callable[[], Table]] = {
        "states": lambda: _states(figures),
        "age": lambda: _queue_age(figures),
        "processing": lambda: _processing(figures),
        "deadlines": deadlines,
        "overdue": lambda: _overdue(stats, team),
        "appointments": appointments,
    }
    if only is not None and only not in builders:
        raise Http404
    return figures, {slug: build() for slug, build in builders.items() if only in (None, slug)}


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return number_format(value, decimal_pos=1)
    return str(value)


def _csv_safe(text: str) -> str:
    """A text cell that a spreadsheet would take for a formula (a team named
    "=HYPERLINK(...)") is kept as text with a leading apostrophe."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not text.lstrip("-").replace(",", "").isdigit():
        return f"'{text}"
    return text


@team_lead_page
def dashboard(request):
    team = _team_of(request)
    figures, tables = dashboard_tables(request, team)
    shown = {
        slug: {**vars(table), "rows": [[_cell(v) for v in row] for row in table.rows]} for slug, table in tables.items()
    }
    context = {
        "figures": figures,
        "team": team,
        "teams": Team.objects.filter(jobcenter_id=request.user.jobcenter_id).order_by("name"),
        "tables": shown,
        "generated_at": timezone.now(),
    }
    return render(request, "casework/dashboard/dashboard.html", context)


@team_lead_page
def dashboard_csv(request, table: str):
    """One table as CSV for German Excel: UTF-8 with BOM, ``;`` between fields, an attachment."""
    team = _team_of(request)
    _figures, tables = dashboard_tables(request, team, only=table)
    chosen = tables[table]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(chosen.headers)
    for row in chosen.rows:
        writer.writerow(["" if value is None else _csv_safe(_cell(value)) for value in row])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = f"dashboard-{chosen.slug}-{berlin_date(timezone.now()).isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
