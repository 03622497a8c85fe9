"""The counsellor's pages (Arbeitsvermittlung): the agenda for a day or a week, an
appointment (attended / not attended, the video room, guests), the weekly
availability with its exceptions and the effect on the free slots, and a
binding invitation with the Rechtsfolgenbelehrung shown before it is sent.

Every view lets in whom the API lets in, by the API's own permission classes
(role, and the second factor in this session: ``casework.web.views.staff_page``);
an appointment comes from the API's access helper (someone else's: 404), and
every read and write goes through the selectors and services the appointments
and video APIs call. A change carries the version the page was rendered from
(``If-Match``); a stale form gets "changed meanwhile" and the page as it is now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments import conf, selectors, services
from appointments.api.serializers import AvailabilityIn
from appointments.api.views import _citizen_or_400, _type_or_400
from appointments.constants import AppointmentStatus, Channel, allowed_actions
from appointments.models import LegalNotice
from appointments.web import counsellor_forms as f
from casework.web.views import staff_page
from portal.api.conditional import etag_for
from portal.api.permissions import IsCounsellor, IsInviter
from portal.api.problems import Problem
from portal.clock import BERLIN, BERLIN_NAME, berlin_today
from portal.constants import Role
from video.api.serializers import GuestIn
from video.models import Guest
from video.services import guest_invite, guest_revoke

AVAILABILITY_DAYS = 14  # the effect on free slots: the next two weeks
MAX_ROWS = 200


def _stale_or_detail(problem: Problem) -> str:
    if problem.status_code == 412:
        return _("This was changed meanwhile. Please check it as it is now and try again.")
    return str(problem.detail)


def _to_form(form, problem: Problem) -> None:
    """The service's refusal at the field it names, else at the top of the form."""
    named = False
    for field, errors in (problem.errors or {}).items():
        if field in form.fields:
            for error in errors if isinstance(errors, list) else [errors]:
                form.add_error(field, str(error))
            named = True
    if not named:
        form.add_error(None, _stale_or_detail(problem))


def _if_match(obj, version) -> str:
    return etag_for(SimpleNamespace(public_id=obj.public_id, version=version))


# --- the agenda ------------------------------------------------------------------------------
@require_GET
@staff_page(IsCounsellor)
def agenda(request):
    """The API's CounsellorAgenda for one Berlin day or the week (Monday to Sunday) around it."""
    form = f.AgendaForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    day = data.get("date") or berlin_today()
    view = data.get("view") or "day"
    if view == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
        step = timedelta(days=7)
    else:
        first = last = day
        step = timedelta(days=1)
    start, end = selectors.berlin_days_range(first, last)
    appointments = list(selectors.agenda_for_counsellor(counsellor=request.user, start=start, end=end))
    days = []
    current = first
    while current <= last:
        days.append(
            {"day": current, "appointments": [a for a in appointments if a.start.astimezone(BERLIN).date() == current]}
        )
        current += timedelta(days=1)
    return render(
        request,
        "appointments/counsellor/agenda.html",
        {
            "form": form,
            "view": view,
            "day": day,
            "first": first,
            "last": last,
            "days": days,
            "previous": day - step,
            "next": day + step,
            "today": berlin_today(),
        },
    )


# --- one appointment -------------------------------------------------------------------------
def _mine(request, appointment_id):
    """The API's participant helper, narrowed to the counsellor's own appointments (else 404)."""
    appointment = selectors.appointment_get_for_participant(user=request.user, public_id=appointment_id)
    if appointment.counsellor_id != request.user.pk:
        raise Http404
    return appointment


def _appointment_page(request, appointment, *, guest_form=None, failed=None, status=200):
    allowed = set(allowed_actions(appointment.status))
    started = timezone.now() >= appointment.start + conf.mark_grace()
    video = appointment.channel == Channel.VIDEO
    guests = (
        Guest.objects.filter(appointment=appointment, revoked_at__isnull=True).order_by("created_at") if video else []
    )
    return render(
        request,
        "appointments/counsellor/appointment.html",
        {
            "appointment": appointment,
            "may_mark": started and bool(allowed & {"attended", "no_show"}),
            "not_started": not started and bool(allowed & {"attended", "no_show"}),
            "video": video,
            "room_open": video and appointment.status != AppointmentStatus.CANCELLED,
            "guests": guests,
            "guest_form": guest_form or f.GuestForm(auto_id="id_guest_%s"),
            "failed": failed,
        },
        status=status,
    )


@require_GET
@staff_page(IsCounsellor)
def appointment(request, appointment_id):
    return _appointment_page(request, _mine(request, appointment_id))


def _mark(request, appointment_id, target: str, done: str):
    appointment = _mine(request, appointment_id)
    form = f.VersionForm(request.POST, auto_id="id_mark_%s")
    if form.is_valid():
        try:
            services.appointment_mark(
                appointment=appointment,
                actor=request.user,
                status=target,
                if_match=_if_match(appointment, form.cleaned_data["version"]),
            )
        except Problem as problem:
            form.add_error(None, _stale_or_detail(problem))
            appointment.refresh_from_db()
            return _appointment_page(request, appointment, failed=form, status=problem.status_code)
        messages.success(request, done)
        return redirect("appointments_web:counsel-appointment", appointment.public_id)
    return _appointment_page(request, appointment, failed=form, status=400)


@require_POST
@staff_page(IsCounsellor)
def mark_attended(request, appointment_id):
    return _mark(request, appointment_id, AppointmentStatus.ATTENDED, _("Recorded: the citizen attended."))


@require_POST
@staff_page(IsCounsellor)
def mark_no_show(request, appointment_id):
    return _mark(request, appointment_id, AppointmentStatus.NO_SHOW, _("Recorded: the citizen did not attend."))


def _video_mine(request, appointment_id):
    """The video API's access: the counsellor's own video appointment (else 404)."""
    appointment = _mine(request, appointment_id)
    if appointment.channel != Channel.VIDEO:
        raise Http404
    return appointment


@require_POST
@staff_page(IsCounsellor)
def guest_add(request, appointment_id):
    """The video API's GuestListView.post: an interpreter or a person of trust gets a link by e-mail."""

    appointment = _video_mine(request, appointment_id)
    form = f.GuestForm(request.POST, auto_id="id_guest_%s")
    if form.is_valid():
        data = GuestIn(data={k: v for k, v in form.cleaned_data.items() if v != "" or k != "language"})
        if not data.is_valid():
            for field, errors in data.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, str(error))
        else:
            try:
                guest_invite(appointment=appointment, actor=request.user, **data.validated_data)
            except Problem as problem:
                _to_form(form, problem)
            else:
                messages.success(request, _("The guest was invited. The link was sent by e-mail."))
                return redirect("appointments_web:counsel-appointment", appointment.public_id)
    return _appointment_page(request, appointment, guest_form=form, failed=form, status=400)


@require_POST
@staff_page(IsCounsellor)
def guest_remove(request, appointment_id, guest_id):
    """The video API's GuestDetailView.delete: withdraw the invitation (a guest in the room leaves it)."""
    appointment = _video_mine(request, appointment_id)
    guest = Guest.objects.filter(appointment=appointment, public_id=guest_id, revoked_at__isnull=True).first()
    if guest is None:
        raise Http404
    guest_revoke(guest=guest, actor=request.user)
    messages.success(request, _("The guest's invitation was withdrawn."))
    return redirect("appointments_web:counsel-appointment", appointment.public_id)


# --- availability ----------------------------------------------------------------------------
RULE_FIELDS = ("weekday", "start_time", "end_time", "location", "channels", "valid_from", "valid_until", "timezone")
EXCEPTION_FIELDS = ("kind", "date", "start_time", "end_time", "location", "channels", "timezone")


def _posted_rows(data, prefix: str, names) -> list[dict]:
    try:
        total = min(int(data.get(f"{prefix}-count", "0")), MAX_ROWS)
    except ValueError:
        total = 0
    return [
        {
            name: data.getlist(f"{prefix}-{index}-{name}")
            if name == "channels"
            else data.get(f"{prefix}-{index}-{name}", "")
            for name in names
        }
        for index in range(total)
    ]


def _rule_rows(availability) -> list[dict]:
    return [
        {
            "weekday": rule.weekday,
            "start_time": rule.start_time,
            "end_time": rule.end_time,
            "location": str(rule.location.public_id) if rule.location else "",
            "channels": list(rule.channels),
            "valid_from": rule.valid_from,
            "valid_until": rule.valid_until,
            "timezone": rule.timezone,
        }
        for rule in availability.rules.order_by("weekday", "start_time")
    ]


def _exception_rows(availability) -> list[dict]:
    return [
        {
            "kind": exception.kind,
            "date": exception.date,
            "start_time": exception.start_time,
            "end_time": exception.end_time,
            "location": str(exception.location.public_id) if exception.location else "",
            "channels": list(exception.channels),
            "timezone": exception.timezone,
        }
        for exception in availability.exceptions.order_by("date", "start_time")
    ]


def _forms(form_class, rows, prefix, locations, *, data=None):
    """One form per row, named ``<prefix>-<index>-<field>``; bound to ``data`` when given."""
    forms = []
    for index, row in enumerate(rows):
        name = f"{prefix}-{index}"
        if data is not None:
            form = form_class(data, prefix=name, locations=locations)
        else:
            form = form_class(initial=row, prefix=name, locations=locations)
        form.index = index
        form.remove_value = f"remove-{prefix[:-1]}:{index}"
        forms.append(form)
    return forms


def _api_item(cleaned: dict) -> dict:
    """A parsed row as the API's JSON body has it."""
    item = {}
    for name, value in cleaned.items():
        if value in (None, "") and name not in ("location",):
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        item[name] = value or None if name == "location" else value
    item.setdefault("timezone", BERLIN_NAME)
    if not item.get("timezone"):
        item["timezone"] = BERLIN_NAME
    return item


def _effect(user, type_id):
    """The counsellor's free slots of the next two weeks, from the selector the citizen's booking lists."""
    types = [
        t
        for t in selectors.appointment_types_visible().filter(jobcenter_id=user.jobcenter_id)
        if t.team_id is None or user.teams.filter(pk=t.team_id).exists()
    ]
    if not types:
        return {"types": [], "chosen": None, "days": []}
    chosen = next((t for t in types if str(t.public_id) == type_id), types[0])
    first = berlin_today()
    last = first + timedelta(days=AVAILABILITY_DAYS - 1)
    rows, _counsellors = selectors.slots_for_listing(
        appointment_type=chosen, first=first, last=last, counsellor_ids=[user.pk]
    )
    by_day: dict = {}
    for start, channel, _location in selectors.bookable_times(rows):
        moment = datetime.fromtimestamp(start, BERLIN)
        times = by_day.setdefault(moment.date(), {})
        times.setdefault(moment, []).append(Channel(channel).label)
    days = [
        {"day": day, "times": [(moment, channels) for moment, channels in sorted(times.items())]}
        for day, times in sorted(by_day.items())
    ]
    return {"types": types, "chosen": chosen, "days": days, "first": first, "last": last}


@require_http_methods(["GET", "POST"])
@staff_page(IsCounsellor)
def availability(request):
    """Weekly rows and exceptions as one form, saved through ``availability_replace``
    (the API's PUT, with its serializer's checks); "add" and "remove" buttons
    change the rows without JavaScript; below, the free slots it gives."""
    user = request.user
    current = selectors.availability_get(counsellor=user)
    locations = selectors.locations_of_jobcenter(jobcenter_id=user.jobcenter_id)
    status = 200
    failed = None
    if request.method == "POST":
        version_form = f.VersionForm(request.POST, auto_id="id_availability_%s")
        rules = _posted_rows(request.POST, "rules", RULE_FIELDS)
        exceptions = _posted_rows(request.POST, "exceptions", EXCEPTION_FIELDS)
        action = request.POST.get("action", "save")
        if action != "save":
            what, _sep, index = action.partition(":")
            target = {
                "add-rule": rules,
                "add-exception": exceptions,
                "remove-rule": rules,
                "remove-exception": exceptions,
            }
            if what == "add-rule":
                rules.append({"weekday": 0, "channels": [], "timezone": BERLIN_NAME})
            elif what == "add-exception":
                exceptions.append({"kind": "absence", "channels": [], "timezone": BERLIN_NAME})
            elif what in target and index.isdigit() and int(index) < len(target[what]):
                target[what].pop(int(index))
            return _availability_page(
                request,
                current,
                locations,
                rule_forms=_forms(f.RuleForm, rules, "rules", locations),
                exception_forms=_forms(f.ExceptionForm, exceptions, "exceptions", locations),
                version=request.POST.get("version", ""),
            )
        rule_forms = _forms(f.RuleForm, rules, "rules", locations, data=request.POST)
        exception_forms = _forms(f.ExceptionForm, exceptions, "exceptions", locations, data=request.POST)
        parsed = all([form.is_valid() for form in [*rule_forms, *exception_forms]]) and version_form.is_valid()
        if parsed:
            body = AvailabilityIn(
                data={
                    "rules": [_api_item(form.cleaned_data) for form in rule_forms],
                    "exceptions": [_api_item(form.cleaned_data) for form in exception_forms],
                },
                locations=locations,
            )
            if body.is_valid():
                try:
                    services.availability_replace(
                        counsellor=user,
                        rules=body.validated_data["rules"],
                        exceptions=body.validated_data["exceptions"],
                        if_match=_if_match(current.profile, version_form.cleaned_data["version"]),
                    )
                except Problem as problem:
                    version_form.add_error(None, _stale_or_detail(problem))
                    status = problem.status_code
                else:
                    messages.success(request, _("Your availability was saved. Below are the free slots it gives."))
                    return redirect("appointments_web:counsel-availability")
            else:
                for name, forms in (("rules", rule_forms), ("exceptions", exception_forms)):
                    for index, errors in (body.errors.get(name) or {}).items():
                        form = forms[int(index)]
                        for field, messages_ in errors.items():
                            for message in messages_ if isinstance(messages_, list) else [messages_]:
                                form.add_error(field if field in form.fields else None, str(message))
        status = status if status != 200 else 400
        failed = version_form
        return _availability_page(
            request,
            current,
            locations,
            rule_forms=rule_forms,
            exception_forms=exception_forms,
            version=request.POST.get("version", ""),
            failed=failed,
            status=status,
        )
    return _availability_page(
        request,
        current,
        locations,
        rule_forms=_forms(f.RuleForm, _rule_rows(current), "rules", locations),
        exception_forms=_forms(f.ExceptionForm, _exception_rows(current), "exceptions", locations),
        version=current.profile.version,
    )


def _availability_page(request, current, locations, *, rule_forms, exception_forms, version, failed=None, status=200):
    errors = [form for form in [*rule_forms, *exception_forms] if form.is_bound and form.errors]
    return render(
        request,
        "appointments/counsellor/availability.html",
        {
            "rule_forms": rule_forms,
            "exception_forms": exception_forms,
            "version": version,
            "failed": failed,
            "row_errors": errors,
            "effect": _effect(request.user, request.GET.get("type", "")),
        },
        status=status,
    )


# --- binding invitation ----------------------------------------------------------------------
def _invitation_types(user):
    return selectors.appointment_types_visible().filter(jobcenter_id=user.jobcenter_id)


@require_http_methods(["GET", "POST"])
@staff_page(IsInviter)
def invitation_new(request):
    """The API's invitation POST in two steps: the form, then a preview with the
    Rechtsfolgenbelehrung exactly as the citizen will read it, then "send"."""
    user = request.user
    types = _invitation_types(user)
    if request.method == "GET":
        form = f.InvitationForm(initial={"citizen": request.GET.get("citizen", "")}, appointment_types=types)
        return render(request, "appointments/counsellor/invitation.html", {"form": form})
    form = f.InvitationForm(request.POST, appointment_types=types)
    if not form.is_valid():
        return render(request, "appointments/counsellor/invitation.html", {"form": form, "failed": form}, status=400)
    data = form.cleaned_data
    start = datetime.combine(data["date"], data["time"], tzinfo=BERLIN)
    try:
        citizen = _citizen_or_400(data["citizen"], user)
        appointment_type = _type_or_400(data["appointment_type"], jobcenter_id=user.jobcenter_id)
        if "edit" in request.POST:  # back from the preview, with what was typed
            return render(request, "appointments/counsellor/invitation.html", {"form": form})
        if "send" not in request.POST:
            notice = LegalNotice.objects.filter(valid_from__lte=berlin_today()).first()
            return render(
                request,
                "appointments/counsellor/invitation_preview.html",
                {
                    "form": form,
                    "citizen": citizen,
                    "appointment_type": appointment_type,
                    "start": start,
                    "channel": Channel(data["channel"]).label,
                    "purpose": dict(form.fields["purpose"].choices)[data["purpose"]],
                    "notice": notice,
                },
            )
        appointment = services.invitation_create(
            actor=user,
            citizen=citizen,
            appointment_type=appointment_type,
            start=start,
            channel=data["channel"],
            purpose=data["purpose"],
            counsellor=user if user.has_role(Role.COUNSELLOR) else None,
        )
    except Problem as problem:
        _to_form(form, problem)
        return render(
            request,
            "appointments/counsellor/invitation.html",
            {"form": form, "failed": form},
            status=problem.status_code,
        )
    messages.success(request, _("The invitation was sent. The citizen has been notified."))
    if appointment.counsellor_id == user.pk:
        return redirect("appointments_web:counsel-appointment", appointment.public_id)
    return redirect("appointments_web:counsel-invitation-new")
