"""Thin views: parse with a serializer, call one service or selector, render."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models import Application
from appointments import selectors, services
from appointments.api.serializers import (
    AppointmentOut,
    AppointmentTypeOut,
    AvailabilityIn,
    AvailabilityOut,
    BookIn,
    CancelIn,
    DateRangeIn,
    InvitationIn,
    RequestChangeIn,
    RescheduleIn,
    SlotQueryIn,
    StatsRangeIn,
    StatsRowOut,
    slots_json,
)
from appointments.constants import AppointmentStatus, Channel, InvitationResponse
from appointments.ics import appointment_ics
from appointments.models import Appointment, AppointmentType
from portal.api.conditional import with_etag
from portal.api.idempotency import idempotent
from portal.api.pagination import PagePagination
from portal.api.permissions import IsCitizen, IsCounsellor, IsInviter, IsStaff
from portal.api.problems import Problem
from portal.audit import AuditAction, audit_record
from portal.clock import berlin_today
from portal.models import Location, User


def _answer(appointment) -> Response:
    """The appointment as the API shows it, with its ETag."""
    return with_etag(Response(AppointmentOut(appointment).data), appointment)


def _if_match(request) -> str | None:
    """The ``If-Match`` header, for the service to check on the row it locks."""
    return request.headers.get("If-Match")


def _type_or_400(public_id, *, jobcenter_id: int | None = None) -> AppointmentType:
    appointment_type = selectors.appointment_type_find(public_id=public_id, jobcenter_id=jobcenter_id)
    if appointment_type is None:
        raise Problem.invalid("appointment_type", _("Unknown appointment type."))
    return appointment_type


def _counsellor_or_400(public_id, appointment_type: AppointmentType) -> User | None:
    if public_id is None:
        return None
    counsellor = selectors.counsellor_find(public_id=public_id, jobcenter_id=appointment_type.jobcenter_id)
    if counsellor is None:
        raise Problem.invalid("counsellor", _("Unknown counsellor."))
    return counsellor


def _location_or_400(public_id, appointment_type: AppointmentType) -> Location | None:
    if public_id is None:
        return None
    location = selectors.location_find(public_id=public_id, jobcenter_id=appointment_type.jobcenter_id)
    if location is None:
        raise Problem.invalid("location", _("Unknown location."))
    return location


def _application_or_400(public_id) -> Application | None:
    """The row behind an ``application`` id; whose it is, the service decides
    (with the same answer as for an unknown id)."""
    if public_id is None:
        return None
    application = selectors.application_find(public_id=public_id)
    if application is None:
        raise services.unknown_application()
    return application


def _range(request, *, first: date, last: date, serializer_class=DateRangeIn) -> tuple[date, date]:
    """The Berlin dates of ``?from=&to=`` (``first`` and ``last`` when absent)."""
    serializer = serializer_class(
        data={
            "from": request.query_params.get("from") or first.isoformat(),
            "to": request.query_params.get("to") or last.isoformat(),
        }
    )
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["from"], serializer.validated_data["to"]


RANGE_PARAMETERS = [OpenApiParameter("from", str, required=False), OpenApiParameter("to", str, required=False)]


def _period_out(name: str, results: serializers.Serializer) -> serializers.Serializer:
    """The schema of ``{"from", "to", "results"}``, answers about a range of Berlin dates."""
    return inline_serializer(name, {"from": serializers.DateField(), "to": serializers.DateField(), "results": results})


# --- Public ---------------------------------------------------------------------


class AppointmentTypeList(generics.ListAPIView):
    """Appointment types anyone can see (``?jobcenter=<slug>`` to narrow down)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = AppointmentTypeOut

    @extend_schema(parameters=[OpenApiParameter("jobcenter", str, required=False)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.appointment_types_visible(jobcenter_slug=self.request.query_params.get("jobcenter"))


# The answer is written by ``slots_json``; this describes it for the schema.
SLOT_LIST = inline_serializer(
    "SlotList",
    {
        "appointment_type": serializers.UUIDField(),
        "count": serializers.IntegerField(),
        "results": inline_serializer(
            "Slot",
            {
                "start": serializers.DateTimeField(),
                "end": serializers.DateTimeField(),
                "channel": serializers.ChoiceField(choices=Channel.choices),
                "location": inline_serializer(
                    "SlotLocation", {"id": serializers.UUIDField(), "name": serializers.CharField()}, allow_null=True
                ),
            },
            many=True,
        ),
    },
)


class SlotList(APIView):
    """Free slots of one appointment type, at most 31 days per query, times in Berlin time."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(parameters=[SlotQueryIn], responses=SLOT_LIST)
    def get(self, request):
        query = SlotQueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        appointment_type = selectors.appointment_type_for_slots(public_id=params["appointment_type"])
        if appointment_type is None:
            raise Problem.invalid("appointment_type", _("Unknown appointment type."))
        location = _location_or_400(params.get("location"), appointment_type)
        counsellor = _counsellor_or_400(params.get("counsellor"), appointment_type)
        # Kept per process and query under the tokens of everything it depends on (appointments/slot_cache.py).
        body = selectors.slot_list_answer(
            appointment_type=appointment_type,
            first=params["from"],
            last=params["to"],
            render=slots_json,
            channel=params.get("channel"),
            language=params.get("language"),
            location_id=location.pk if location else None,
            counsellor_ids=[counsellor.pk] if counsellor else None,
        )
        return HttpResponse(body, content_type="application/json")


# --- Citizens and counsellors ---------------------------------------------------------


class AppointmentListCreate(APIView):
    """GET: my appointments (as citizen or counsellor). POST: a citizen books a slot."""

    pagination_class = PagePagination  # so the schema says "paginated", as the answer is

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsCitizen()]
        return super().get_permissions()

    @extend_schema(
        responses=AppointmentOut(many=True),
        parameters=[
            OpenApiParameter("status", str, required=False),
            OpenApiParameter("upcoming", bool, required=False),
        ],
    )
    def get(self, request):
        appointments = selectors.appointments_for_user(user=request.user)
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in AppointmentStatus.values:
                raise Problem.invalid("status", _("Unknown status."))
            appointments = appointments.filter(status=wanted)
        if request.query_params.get("upcoming") in ("1", "true"):
            appointments = appointments.filter(end__gt=timezone.now())
        paginator = PagePagination()
        page = paginator.paginate_queryset(appointments, request, view=self)
        return paginator.get_paginated_response(AppointmentOut(page, many=True).data)

    @extend_schema(request=BookIn, responses={201: AppointmentOut})
    @idempotent
    def post(self, request):
        data = BookIn(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        appointment_type = _type_or_400(params["appointment_type"])
        appointment = services.appointment_book(
            citizen=request.user,
            appointment_type=appointment_type,
            start=params["start"],
            channel=params["channel"],
            counsellor=_counsellor_or_400(params.get("counsellor"), appointment_type),
            location=_location_or_400(params.get("location"), appointment_type),
            language=params.get("language"),
            application=_application_or_400(params.get("application")),
            note=params.get("note", ""),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:255],
        )
        response = Response(AppointmentOut(appointment).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/appointments/{appointment.public_id}/"
        return with_etag(response, appointment)


class AppointmentDetail(APIView):
    @extend_schema(responses=AppointmentOut)
    def get(self, request, public_id):
        appointment = selectors.appointment_get_for_participant(user=request.user, public_id=public_id)
        return _answer(appointment)


class _Change(APIView):
    """Load what the asker may change, parse the body, call one service (which
    checks If-Match on the row it locks), answer with the new representation and ETag."""

    input_class: type[serializers.Serializer]

    def load(self, request, public_id):
        return selectors.appointment_get_for_participant(user=request.user, public_id=public_id)

    def change(self, appointment, *, actor: User, data: dict, if_match: str | None) -> Appointment:
        raise NotImplementedError

    def post(self, request, public_id):
        appointment = self.load(request, public_id)
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        changed = self.change(appointment, actor=request.user, data=data.validated_data, if_match=_if_match(request))
        return _answer(changed)


class _Cancel(_Change):
    input_class = CancelIn

    def change(self, appointment, *, actor, data, if_match):
        return services.appointment_cancel(
            appointment=appointment, actor=actor, reason=data["reason"], if_match=if_match
        )


class _Reschedule(_Change):
    input_class = RescheduleIn

    def change(self, appointment, *, actor, data, if_match):
        return services.appointment_reschedule(
            appointment=appointment, actor=actor, start=data["start"], if_match=if_match
        )


@extend_schema(request=CancelIn, responses=AppointmentOut)
class AppointmentCancel(_Cancel):
    """Cancel (citizen: self-booked only, until the cutoff; counsellor: before the start)."""


@extend_schema(request=RescheduleIn, responses=AppointmentOut)
class AppointmentReschedule(_Reschedule):
    """Move to another free slot; the old one is released only when the new one is held."""


class AppointmentIcs(APIView):
    """The appointment as an iCalendar file (RFC 5545)."""

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    def get(self, request, public_id):
        appointment = selectors.appointment_get_for_participant(user=request.user, public_id=public_id)
        response = HttpResponse(appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="termin.ics"'
        return response


class _CounsellorAction(APIView):
    permission_classes = [IsCounsellor]
    target = ""

    @extend_schema(request=None, responses=AppointmentOut)
    def post(self, request, public_id):
        appointment = selectors.appointment_get_for_participant(user=request.user, public_id=public_id)
        if appointment.counsellor_id != request.user.pk:
            raise Problem(status=403, code="role_required", detail=_("Only the counsellor can record attendance."))
        appointment = services.appointment_mark(
            appointment=appointment, actor=request.user, status=self.target, if_match=_if_match(request)
        )
        return _answer(appointment)


class AppointmentAttended(_CounsellorAction):
    target = AppointmentStatus.ATTENDED


class AppointmentNoShow(_CounsellorAction):
    target = AppointmentStatus.NO_SHOW


class _InvitationAnswer(APIView):
    permission_classes = [IsCitizen]
    response = ""

    def _respond(self, request, public_id, note: str):
        appointment = selectors.appointment_get_for_participant(user=request.user, public_id=public_id)
        if appointment.citizen_id != request.user.pk:
            raise Problem(status=403, code="role_required", detail=_("Only the invited citizen can answer."))
        appointment = services.invitation_respond(
            appointment=appointment,
            citizen=request.user,
            response=self.response,
            note=note,
            if_match=_if_match(request),
        )
        return _answer(appointment)


class InvitationConfirm(_InvitationAnswer):
    """The citizen confirms a binding invitation."""

    response = InvitationResponse.CONFIRMED

    @extend_schema(request=None, responses=AppointmentOut)
    def post(self, request, public_id):
        return self._respond(request, public_id, "")


class InvitationRequestChange(_InvitationAnswer):
    """The citizen asks for another date, with a reason; staff answer by moving or keeping it."""

    response = InvitationResponse.CHANGE_REQUESTED

    @extend_schema(request=RequestChangeIn, responses=AppointmentOut)
    def post(self, request, public_id):
        data = RequestChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(request, public_id, data.validated_data["note"])


# --- Counsellor ---------------------------------------------------------------------


def _availability_answer(counsellor: User) -> Response:
    availability = selectors.availability_get(counsellor=counsellor)
    return with_etag(Response(AvailabilityOut(availability).data), availability.profile)


class CounsellorAvailability(APIView):
    """The counsellor's weekly rules (wall time) and exceptions; PUT replaces them all."""

    permission_classes = [IsCounsellor]

    @extend_schema(responses=AvailabilityOut)
    def get(self, request):
        return _availability_answer(request.user)

    @extend_schema(request=AvailabilityIn, responses=AvailabilityOut)
    def put(self, request):
        locations = selectors.locations_of_jobcenter(jobcenter_id=request.user.jobcenter_id)
        data = AvailabilityIn(data=request.data, locations=locations)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        services.availability_replace(
            counsellor=request.user,
            rules=params["rules"],
            exceptions=params["exceptions"],
            languages=params.get("languages"),
            if_match=_if_match(request),
        )
        return _availability_answer(request.user)


class CounsellorAgenda(APIView):
    """The counsellor's appointments in a date range (default: the next 7 days), with outcomes."""

    permission_classes = [IsCounsellor]

    @extend_schema(parameters=RANGE_PARAMETERS, responses=_period_out("CounsellorAgendaOut", AppointmentOut(many=True)))
    def get(self, request):
        today = berlin_today()
        first, last = _range(request, first=today, last=today + timedelta(days=7))
        start, end = selectors.berlin_days_range(first, last)
        appointments = selectors.agenda_for_counsellor(counsellor=request.user, start=start, end=end)
        return Response(
            {"from": first, "to": last, "results": AppointmentOut(appointments, many=True).data},
        )


# --- Staff: invitations and figures ---------------------------------------------------


def _citizen_or_400(public_id, staff: User) -> User:
    citizen = selectors.citizen_find_for_staff(public_id=public_id, staff=staff)
    if citizen is None:
        raise Problem.invalid("citizen", _("Unknown citizen."))
    return citizen


class InvitationListCreate(APIView):
    """Binding invitations (Meldeaufforderung, §59 SGB II with §309 SGB III) of the staff member's
    Jobcenter (a counsellor: their own)."""

    pagination_class = PagePagination  # so the schema says "paginated", as the answer is
    permission_classes = [IsInviter]

    @extend_schema(responses=AppointmentOut(many=True))
    def get(self, request):
        invitations = selectors.invitations_for_staff(user=request.user)
        wanted = request.query_params.get("response")
        if wanted:
            invitations = invitations.filter(response=wanted)
        paginator = PagePagination()
        page = paginator.paginate_queryset(invitations, request, view=self)
        return paginator.get_paginated_response(AppointmentOut(page, many=True).data)

    @extend_schema(request=InvitationIn, responses={201: AppointmentOut})
    @idempotent
    def post(self, request):
        data = InvitationIn(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        appointment_type = _type_or_400(params["appointment_type"], jobcenter_id=request.user.jobcenter_id)
        appointment = services.invitation_create(
            actor=request.user,
            citizen=_citizen_or_400(params["citizen"], request.user),
            appointment_type=appointment_type,
            start=params["start"],
            channel=params["channel"],
            purpose=params["purpose"],
            counsellor=_counsellor_or_400(params.get("counsellor"), appointment_type),
            application=_application_or_400(params.get("application")),
        )
        response = Response(AppointmentOut(appointment).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/invitations/{appointment.public_id}/"
        return with_etag(response, appointment)


class InvitationDetail(APIView):
    permission_classes = [IsInviter]

    @extend_schema(responses=AppointmentOut)
    def get(self, request, public_id):
        appointment = selectors.invitation_get_for_inviter(user=request.user, public_id=public_id)
        audit_record(actor=request.user, action=AuditAction.APPOINTMENT_READ, obj=appointment)
        return _answer(appointment)


class _StaffChange:
    permission_classes = [IsInviter]

    def load(self, request, public_id):
        return selectors.invitation_get_for_inviter(user=request.user, public_id=public_id)


@extend_schema(request=RescheduleIn, responses=AppointmentOut)
class InvitationReschedule(_StaffChange, _Reschedule):
    """Staff move an invitation (for example answering a citizen's request for another date)."""


@extend_schema(request=CancelIn, responses=AppointmentOut)
class InvitationCancel(_StaffChange, _Cancel):
    """Staff cancel an invitation."""


class AppointmentStats(APIView):
    """Bookings, cancellations and no-show rate per type and team (default: the last 90 days)."""

    permission_classes = [IsStaff]

    @extend_schema(parameters=RANGE_PARAMETERS, responses=_period_out("AppointmentStatsOut", StatsRowOut(many=True)))
    def get(self, request):
        today = berlin_today()
        first, last = _range(request, first=today - timedelta(days=90), last=today, serializer_class=StatsRangeIn)
        start, end = selectors.berlin_days_range(first, last)
        results = selectors.appointment_stats(jobcenter_id=request.user.jobcenter_id, start=start, end=end)
        return Response({"from": first, "to": last, "results": results})
