"""The staff API: thin views that check who asks, parse, call one service or
selector, render.

Every read of an application, a document or a message writes an audit event
(Sozialgeheimnis, §35 SGB I: it must be provable who saw which social data);
the selectors that read for staff record it. Changes pass the request's
``If-Match`` to the service, which checks it on the row it locked.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import files
from applications.models import Application, Message
from applications.selectors import child_get
from casework import conf, selectors, services
from casework.access import application_get_for_caseworker
from casework.api import serializers as s
from casework.models import Decision, DecisionOutcome
from portal.api.conditional import with_etag
from portal.api.pagination import StableCursorPagination
from portal.api.permissions import HasRole, IsStaff, IsTeamLead
from portal.audit import AuditAction, audit_record
from portal.clock import berlin_today
from portal.constants import Role


class MayReadQueue(HasRole):
    """Staff and team leads; counsellors only when they may read their own clients' applications."""

    roles = (Role.STAFF, Role.TEAM_LEAD)

    def has_permission(self, request, view) -> bool:
        if conf.counsellors_read_own_clients():
            self.roles = (Role.STAFF, Role.TEAM_LEAD, Role.COUNSELLOR)
        return super().has_permission(request, view)


def _clock_context(today) -> dict:
    return {"clock_of": lambda a: selectors.clock_of(a, today=today), "today": today}


def row_of(application: Application, *, status: int = 200) -> Response:
    """The queue row of one application (as after a change), with its ETag."""
    today = berlin_today()
    return row_response(selectors.queue_row_for_staff(application=application, today=today), today=today, status=status)


def row_response(application: Application, *, today, status: int = 200) -> Response:
    """The queue row of an application read ``with_queue_columns``, with its ETag."""
    body = s.QueueRowOut(application, context=_clock_context(today)).data
    return with_etag(Response(body, status=status), application)


def _document_request_out(pk: int, *, application: Application, status: int = 200) -> Response:
    """The request after a change, with the ETag of its case (whose version the change bumped)."""
    body = s.DocumentRequestOut(selectors.document_request_for_staff(pk=pk), context={"today": berlin_today()}).data
    return with_etag(Response(body, status=status), application)


def _parse(serializer_class, data, **kw):
    serializer = serializer_class(data=data, **kw)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _if_match(request) -> str | None:
    return request.headers.get("If-Match")


# --- queue ------------------------------------------------------------------------------------
class QueueList(APIView):
    """The Jobcenter's submitted applications, oldest lodged first, cursor-paged.

    A read: it routes nothing (submission routes, see ``services.application_route``)."""

    permission_classes = [MayReadQueue]
    pagination_class = StableCursorPagination  # ordered by self.ordering, set per request

    def _query(self, request) -> dict:
        data = request.query_params.copy()
        statuses = [part for value in data.getlist("status") for part in value.split(",") if part]
        if statuses:
            data.setlist("status", statuses)
        return _parse(s.QueueQueryIn, data)

    @extend_schema(parameters=[s.QueueQueryIn], responses=s.QueueRowOut(many=True))
    def get(self, request):
        query = self._query(request)
        user = request.user
        today = berlin_today()
        filters = selectors.QueueFilters.of(query)
        self.ordering = (query["ordering"], "id" if query["ordering"] == "lodged_at" else "-id")
        queryset = selectors.queue_applications_for_staff(user=user, filters=filters, today=today)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        audit_record(
            actor=user,
            action=AuditAction.QUEUE_LIST,
            object_type="casework.queue",
            object_id="applications",
            data={"applications": [str(a.public_id) for a in page]},
        )
        rows = s.QueueRowOut(page, many=True, context=_clock_context(today))
        return paginator.get_paginated_response(rows.data)


class ClaimNext(APIView):
    """Take the oldest unassigned case of my team(s); 204 when the queue is empty."""

    permission_classes = [IsStaff]

    @extend_schema(request=s.ClaimNextIn, responses={200: s.QueueRowOut, 204: None})
    def post(self, request):
        data = _parse(s.ClaimNextIn, request.data)
        application = services.application_claim_next(user=request.user, team_public_id=data.get("team"))
        if application is None:
            return Response(status=204)
        return row_response(application, today=berlin_today())  # the claim read the row's columns


class UnreadCounts(APIView):
    """Unread citizen messages: on my cases, over the Jobcenter, and how many cases have some."""

    permission_classes = [IsStaff]

    @extend_schema(responses=s.UnreadCountsOut)
    def get(self, request):
        return Response(s.UnreadCountsOut(selectors.unread_counts_for_staff(user=request.user)).data)


class Stats(APIView):
    """Figures per Jobcenter and team: counts, processing days, overdue requests, §88 SGG flags."""

    permission_classes = [IsStaff]

    @extend_schema(responses=s.StatsOut)
    def get(self, request):
        stats = selectors.queue_stats(jobcenter_id=request.user.jobcenter_id, now=timezone.now())
        return Response(s.StatsOut(stats).data)


# --- one case ---------------------------------------------------------------------------------
class CaseDetail(APIView):
    """Everything staff need to decide: the submitted data (frozen snapshot), the
    documents, the requests, the history and the decision. Read-only for counsellors."""

    permission_classes = [MayReadQueue]

    @extend_schema(responses=s.CaseDetailOut)
    def get(self, request, application_id):
        today = berlin_today()
        application = selectors.case_detail_for_staff(user=request.user, public_id=application_id, today=today)
        return with_etag(Response(s.CaseDetailOut(application, context=_clock_context(today)).data), application)


class Assign(APIView):
    """Team leads: assign, reassign (also to another team) or unassign (``assignee: null``)."""

    permission_classes = [IsTeamLead]

    @extend_schema(request=s.AssignIn, responses=s.QueueRowOut)
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.AssignIn, request.data)
        application = services.application_assign(
            application=application,
            actor=request.user,
            assignee_public_id=data["assignee"],
            team_public_id=data.get("team"),
            if_match=_if_match(request),
        )
        return row_of(application)


class Release(APIView):
    """Give my case back to the team's queue (team leads: anyone's)."""

    permission_classes = [IsStaff]

    @extend_schema(request=None, responses=s.QueueRowOut)
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        application = services.application_release(
            application=application, actor=request.user, if_match=_if_match(request)
        )
        return row_of(application)


class HandOver(APIView):
    """Hand my case over to another team of the Jobcenter: it waits, unassigned, in that team's queue."""

    permission_classes = [IsStaff]

    @extend_schema(request=s.HandOverIn, responses=s.QueueRowOut)
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.HandOverIn, request.data)
        application = services.case_hand_over(
            application=application, actor=request.user, team_public_id=data["team"], if_match=_if_match(request)
        )
        return row_of(application)


def _decision_values(data: dict) -> dict:
    return {
        "starts_on": data.get("starts_on"),
        "ends_on": data.get("ends_on"),
        "amounts": {
            name: data.get(name)
            for name in ("monthly_amount", "standard_needs_amount", "additional_needs_amount", "housing_amount")
        },
        "reason": data.get("reason", ""),
        "text": data.get("text", ""),
    }


class Transition(APIView):
    """Move a case through the state machine; 409 lists the allowed next states.
    ``approved``/``rejected`` take the decision's fields (as ``/decision/``)."""

    permission_classes = [IsStaff]

    @extend_schema(request=s.TransitionIn, responses=s.QueueRowOut)
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.TransitionIn, request.data)
        if data["target"] in DecisionOutcome.values:
            services.application_decide(
                application=application,
                actor=request.user,
                outcome=data["target"],
                if_match=_if_match(request),
                **_decision_values(data),
            )
        else:
            services.case_transition(
                application=application,
                actor=request.user,
                target=data["target"],
                reason=data.get("reason", ""),
                if_match=_if_match(request),
            )
        return row_of(application)


class DecisionView(APIView):
    """GET the decision; POST approve or reject, with a PDF upload (multipart ``file``) or generated from ``text``."""

    permission_classes = [IsStaff]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=s.DecisionOut)
    def get(self, request, application_id):
        decision = selectors.decision_for_staff(
            user=request.user, public_id=application_id, action=AuditAction.DECISION_READ
        )
        return Response(s.DecisionOut(decision).data)

    @extend_schema(request=s.DecisionIn, responses={201: s.DecisionOut})
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.DecisionIn, request.data)
        decision = services.application_decide(
            application=application,
            actor=request.user,
            outcome=data["outcome"],
            upload=data.get("file"),
            if_match=_if_match(request),
            **_decision_values(data),
        )
        return Response(s.DecisionOut(decision).data, status=201)


def decision_file_response(decision: Decision) -> FileResponse:
    handle = files.private_storage().open(decision.storage_name, "rb")
    return FileResponse(handle, as_attachment=True, filename=decision.document_name, content_type="application/pdf")


class DecisionDocument(APIView):
    """The notice as PDF, for staff of the case's Jobcenter (audited)."""

    permission_classes = [IsStaff]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, application_id):
        decision = selectors.decision_for_staff(
            user=request.user, public_id=application_id, action=AuditAction.DECISION_DOCUMENT_READ
        )
        return decision_file_response(decision)


class DocumentDownload(APIView):
    """A citizen's evidence, for staff of the case's Jobcenter (audited)."""

    permission_classes = [IsStaff]

    @extend_schema(responses={(200, content_type): OpenApiTypes.BINARY for content_type in files.ALLOWED_TYPES})
    def get(self, request, application_id, document_id):
        document = selectors.document_for_staff(user=request.user, public_id=application_id, document_id=document_id)
        return document_file_response(document)


def document_file_response(document, *, as_attachment: bool = True) -> FileResponse:
    """A citizen's evidence as a file (the workbench shows PDFs and images inline too)."""
    handle = files.private_storage().open(document.storage_name, "rb")
    return FileResponse(
        handle, as_attachment=as_attachment, filename=document.original_name, content_type=document.content_type
    )


class DocumentRequests(APIView):
    """The case's requests to cooperate; POST asks for a document (Mitwirkung, §60 SGB I)."""

    permission_classes = [IsStaff]

    @extend_schema(responses=s.DocumentRequestOut(many=True))
    def get(self, request, application_id):
        requests = selectors.document_requests_of_case(user=request.user, public_id=application_id)
        return Response(s.DocumentRequestOut(requests, many=True, context={"today": berlin_today()}).data)

    @extend_schema(request=s.DocumentRequestIn, responses={201: s.DocumentRequestOut})
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.DocumentRequestIn, request.data)
        created = services.document_request_create(
            application=application, actor=request.user, if_match=_if_match(request), **data
        )
        return _document_request_out(created.pk, application=created.application, status=201)


class DocumentRequestAccept(APIView):
    """The uploads answer the request: it is fulfilled."""

    permission_classes = [IsStaff]

    @extend_schema(request=None, responses=s.DocumentRequestOut)
    def post(self, request, application_id, request_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        document_request = child_get(queryset=application.document_requests.all(), public_id=request_id)
        result = services.document_request_accept(
            application=application, request=document_request, actor=request.user, if_match=_if_match(request)
        )
        return _document_request_out(result.pk, application=result.application)


class DocumentRequestReject(APIView):
    """The uploads do not answer the request; the reason is shown to the citizen."""

    permission_classes = [IsStaff]

    @extend_schema(request=s.ReasonIn, responses=s.DocumentRequestOut)
    def post(self, request, application_id, request_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        document_request = child_get(queryset=application.document_requests.all(), public_id=request_id)
        data = _parse(s.ReasonIn, request.data)
        result = services.document_request_reject(
            application=application,
            request=document_request,
            actor=request.user,
            reason=data["reason"],
            if_match=_if_match(request),
        )
        return _document_request_out(result.pk, application=result.application)


class Notes(APIView):
    """Internal notes: staff only, never shown to the citizen."""

    permission_classes = [IsStaff]

    @extend_schema(responses=s.NoteOut(many=True))
    def get(self, request, application_id):
        notes = selectors.notes_of_case(user=request.user, public_id=application_id)
        return Response(s.NoteOut(notes, many=True).data)

    @extend_schema(request=s.NoteIn, responses={201: s.NoteOut})
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.NoteIn, request.data)
        note = services.note_add(application=application, actor=request.user, body=data["body"])
        return Response(s.NoteOut(note).data, status=201)


class Messages(APIView):
    """The Postfach thread: reading it marks the citizen's messages read; POST answers."""

    permission_classes = [IsStaff]

    @extend_schema(responses=s.MessageOut(many=True))
    def get(self, request, application_id):
        messages = services.staff_messages_read(user=request.user, public_id=application_id)
        return Response(s.MessageOut(messages, many=True).data)

    @extend_schema(request=s.StaffMessageIn, responses={201: s.MessageOut})
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.StaffMessageIn, request.data)
        message = services.staff_message_send(application=application, actor=request.user, body=data["body"])
        message = Message.objects.select_related("author").get(pk=message.pk)
        return Response(s.MessageOut(message).data, status=201)


# --- the citizen's side of a decision ---------------------------------------------------------
class CitizenDecision(APIView):
    """The applicant reads the decision on their application (no staff-internal fields)."""

    @extend_schema(responses=s.CitizenDecisionOut)
    def get(self, request, application_id):
        decision = selectors.decision_for_citizen(user=request.user, public_id=application_id)
        return Response(s.CitizenDecisionOut(decision).data)


class CitizenDecisionDocument(APIView):
    """The notice as PDF, for the applicant (the download is recorded)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, application_id):
        decision = selectors.decision_for_citizen(
            user=request.user, public_id=application_id, action=AuditAction.DECISION_DOCUMENT_DOWNLOAD
        )
        return decision_file_response(decision)
