"""The citizen's appointment pages: choose a topic, see free times day by day, book,
see, move and cancel, answer a binding invitation, the calendar file and the way into
the video room.

Each view calls the same selector or service as the API (appointments/api/views.py);
a service's refusal (``Problem``) comes back as a message on the same page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments import selectors, services
from appointments.constants import AppointmentStatus, Channel, InvitationResponse
from appointments.ics import appointment_ics
from appointments.models import Appointment, AppointmentType
from appointments.web.forms import (
    LANGUAGE_NAMES,
    CancelForm,
    ConfirmInvitationForm,
    MoveForm,
    RequestChangeForm,
    SlotChoiceForm,
    SlotFilterForm,
)
from portal.api.conditional import etag_for
from portal.api.problems import PreconditionFailed, Problem
from portal.clock import BERLIN, berlin_today
from portal.web.access import citizen_page, member_page
from portal.web.tenant import page_jobcenter_get

DAYS_PER_PAGE = 7


def _own(request, appointment_id) -> Appointment:
    """The citizen's own appointment (the API's access helper; strangers get 404)."""
    appointment = selectors.appointment_get_for_participant(user=request.user, public_id=appointment_id)
    if appointment.citizen_id != request.user.pk:
        raise PermissionDenied
    return appointment


def _refusal_to_form(form, problem: Problem, *, field: str | None = None) -> None:
    """A service's refusal as a message at the field (``start`` means the chosen slot) or above the form."""
    if isinstance(problem, PreconditionFailed):
        form.add_error(None, _("This appointment was changed meanwhile. Please check it and try again."))
        return
    errors = problem.errors or {}
    if field and "start" in errors:
        form.add_error(field, str(problem.detail))
    else:
        form.add_error(None, str(problem.detail))


# --- Free times -----------------------------------------------------------------


def _days(entries, *, first: date, last: date, locations) -> list[dict]:
    """The free times grouped by Berlin day, every day of the page listed (empty ones too)."""
    by_day: dict[date, list[dict]] = {}
    for timestamp, channel, location_id in entries:
        start = datetime.fromtimestamp(timestamp, UTC).astimezone(BERLIN)
        location = locations.get(location_id)
        by_day.setdefault(start.date(), []).append(
            {
                "start": start,
                "channel": channel,
                "channel_label": _channel_label(channel),
                "location": location.name if location else "",
                "value": f"{start.isoformat()}|{channel}",
            }
        )
    days = []
    day = first
    while day <= last:
        days.append({"date": day, "times": by_day.get(day, [])})
        day += timedelta(days=1)
    return days


def _channel_label(channel: str) -> str:
    return str(Channel(channel).label)


def _free_times(request, appointment_type: AppointmentType, *, fixed_channel=None, fixed_language=None):
    """The filter form and the free times of one page of days, from the API's slot selector."""
    data = request.GET.copy()
    if fixed_channel:
        data["channel"] = fixed_channel
    filters = SlotFilterForm(data or None, appointment_type=appointment_type, fixed_channel=fixed_channel)
    today = berlin_today()
    channel, language, first = filters.filters(today=today)
    channel, language = fixed_channel or channel, fixed_language or language
    last = first + timedelta(days=DAYS_PER_PAGE - 1)
    rows, _counsellors = selectors.slots_for_listing(
        appointment_type=appointment_type, first=first, last=last, channel=channel, language=language, ordered=False
    )
    entries = selectors.bookable_times(rows)
    locations = {loc.pk: loc for loc in selectors.locations_by_pk(ids={e[2] for e in entries if e[2]})}
    horizon = (timezone.now() + appointment_type.booking_horizon).astimezone(BERLIN).date()
    query = request.GET.copy()
    query.pop("start", None)
    return {
        "filters": filters,
        "days": _days(entries, first=first, last=last, locations=locations),
        "count": len(entries),
        "language": language or "",
        "language_name": LANGUAGE_NAMES.get(language or "", ""),
        "first": first,
        "last": last,
        "next_start": (last + timedelta(days=1)) if last < horizon else None,
        "previous_start": max(first - timedelta(days=DAYS_PER_PAGE), today) if first > today else None,
        "query": query.urlencode(),
    }


def _slot_page(request, template: str, context: dict, *, status: int = 200):
    """The whole page, or only the list when htmx asks for it (a filter changed; not when
    htmx restores a page from its history, which needs the whole page)."""
    if request.htmx and request.method == "GET" and not request.htmx.history_restore_request:
        response = render(request, "appointments/_free_times.html", context)
    else:
        response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Pages ----------------------------------------------------------------------


@citizen_page
def appointment_list(request):
    appointments = list(selectors.appointments_for_user(user=request.user).filter(citizen=request.user))
    now = timezone.now()
    upcoming = [
        a for a in appointments if a.end > now and a.status in (AppointmentStatus.BOOKED, AppointmentStatus.INVITED)
    ]
    earlier = [a for a in appointments if a not in upcoming]
    earlier.reverse()
    return render(request, "appointments/list.html", {"upcoming": upcoming, "earlier": earlier})


@citizen_page
def topics(request):
    jobcenter = page_jobcenter_get()
    types = list(selectors.appointment_types_bookable(jobcenter_id=jobcenter.pk if jobcenter else None))
    for appointment_type in types:
        appointment_type.minutes = int(appointment_type.duration.total_seconds() // 60)
        appointment_type.channel_labels = [
            label for value, label in Channel.choices if value in appointment_type.channels
        ]
    return render(request, "appointments/topics.html", {"types": types})


@citizen_page
def slots(request, type_slug):
    jobcenter = page_jobcenter_get()
    appointment_type = selectors.appointment_type_bookable_by_slug(
        jobcenter_id=jobcenter.pk if jobcenter else None, slug=type_slug
    )
    form = SlotChoiceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            start, channel = form.cleaned_data["slot"]
            try:
                appointment = services.appointment_book(
                    citizen=request.user,
                    appointment_type=appointment_type,
                    start=start,
                    channel=channel,
                    language=form.cleaned_data.get("language") or None,
                )
            except Problem as problem:
                _refusal_to_form(form, problem, field="slot")
                status = problem.status_code
            else:
                messages.success(request, _("Your appointment is booked. We have sent you a confirmation by e-mail."))
                return redirect("appointments_web:detail", appointment.public_id)
    context = {"appointment_type": appointment_type, "form": form, **_free_times(request, appointment_type)}
    return _slot_page(request, "appointments/slots.html", context, status=status)


def _detail_context(request, appointment: Appointment, **forms) -> dict:
    is_open_invitation = appointment.is_invitation and appointment.status == AppointmentStatus.INVITED
    version = etag_for(appointment)
    return {
        "appointment": appointment,
        "version": version,
        "is_open_invitation": is_open_invitation,
        "changeable": appointment.status == AppointmentStatus.BOOKED
        and not appointment.is_invitation
        and appointment.start > timezone.now(),
        "room_open": selectors.video_room_open(appointment),
        "room_opens_at": selectors.video_room_window(appointment)[0],
        "confirm_form": forms.get("confirm_form") or ConfirmInvitationForm(),
        "change_form": forms.get("change_form") or RequestChangeForm(),
        "InvitationResponse": InvitationResponse,
    }


def _participant_get(request, appointment_id) -> Appointment:
    """The appointment for its citizen or its counsellor (the API's helper; the second
    factor is ``member_page``'s, as the API's default permission)."""
    return selectors.appointment_get_for_participant(user=request.user, public_id=appointment_id)


@member_page
def appointment_detail(request, appointment_id):
    # The counsellor may open the link too; the actions are the citizen's.
    appointment = _participant_get(request, appointment_id)
    return render(request, "appointments/detail.html", _detail_context(request, appointment))


@citizen_page
def move(request, appointment_id):
    appointment = _own(request, appointment_id)
    form = MoveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            start, _channel = form.cleaned_data["slot"]
            try:
                services.appointment_reschedule(
                    appointment=appointment, actor=request.user, start=start, if_match=form.cleaned_data["version"]
                )
            except Problem as problem:
                _refusal_to_form(form, problem, field="slot")
                status = problem.status_code
            else:
                messages.success(
                    request, _("Your appointment has been moved. We have sent you the new time by e-mail.")
                )
                return redirect("appointments_web:detail", appointment.public_id)
        appointment.refresh_from_db()
    language = (appointment.languages or [None])[0]
    context = {
        "appointment": appointment,
        "appointment_type": appointment.appointment_type,
        "form": form,
        "version": etag_for(appointment),  # after a refusal: the version now shown
        **_free_times(
            request, appointment.appointment_type, fixed_channel=appointment.channel, fixed_language=language
        ),
    }
    return _slot_page(request, "appointments/move.html", context, status=status)


@citizen_page
def cancel(request, appointment_id):
    appointment = _own(request, appointment_id)
    form = CancelForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(
                appointment=appointment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                if_match=form.cleaned_data["version"],
            )
        except Problem as problem:
            _refusal_to_form(form, problem)
            status = problem.status_code
            appointment.refresh_from_db()
        else:
            messages.success(request, _("Your appointment has been cancelled."))
            return redirect("appointments_web:detail", appointment.public_id)
    elif request.method == "POST":
        status = 400
    context = {"appointment": appointment, "form": form, "version": etag_for(appointment)}
    return render(request, "appointments/cancel.html", context, status=status)


@citizen_page
@require_POST
def respond(request, appointment_id):
    """Confirm a binding invitation (after reading its Rechtsfolgenbelehrung) or ask for another date."""
    appointment = _own(request, appointment_id)
    asks_change = request.POST.get("answer") == "change"
    form = (RequestChangeForm if asks_change else ConfirmInvitationForm)(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.invitation_respond(
                appointment=appointment,
                citizen=request.user,
                response=InvitationResponse.CHANGE_REQUESTED if asks_change else InvitationResponse.CONFIRMED,
                note=form.cleaned_data["note"] if asks_change else "",
                if_match=form.cleaned_data["version"],
            )
        except Problem as problem:
            _refusal_to_form(form, problem)
            status = problem.status_code
        else:
            if asks_change:
                messages.success(request, _("Your request for another date has been sent. We will get back to you."))
            else:
                messages.success(request, _("Thank you. You have confirmed the appointment."))
            return redirect("appointments_web:detail", appointment.public_id)
    appointment.refresh_from_db()
    key = "change_form" if asks_change else "confirm_form"
    context = _detail_context(request, appointment, **{key: form})
    context["failed_form"] = form
    return render(request, "appointments/detail.html", context, status=status)


@member_page
def calendar_file(request, appointment_id):
    """The same bytes as the API's ``.ics`` (appointments/ics.py)."""
    appointment = _participant_get(request, appointment_id)
    response = HttpResponse(appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="termin.ics"'
    return response
