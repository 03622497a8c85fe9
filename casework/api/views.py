"""The staff API: thin views that check who asks, parse, call one service, render.

Every read of an application, a document or a message writes an audit event
(Sozialgeheimnis, §35 SGB I: it must be provable who saw which social data).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import files
from applications.models import Application, Document, DocumentRequest, Message, StatusChange
from applications.selectors import application_get_for_owner, child_get, documents_for, messages_for
from applications.services import messages_mark_read
from applications.workflow import STAFF, allowed_targets
from casework import conf, selectors, services
from casework.access import (
    application_get_for_caseworker,
    application_get_for_staff,
    applications_visible_to,
    is_caseworker,
)
from casework.api import serializers as s
from casework.deadlines import Flag
from casework.models import Decision, DecisionOutcome, InternalNote
from portal.api.conditional import check_if_match, with_etag
from portal.api.pagination import StableCursorPagination
from portal.api.permissions import HasRole, IsStaff, IsTeamLead
from portal.api.problems import Problem
from portal.audit import audit_record
from portal.constants import Role
from portal.models import Team, User


class MayReadQueue(HasRole):
    """Staff and team leads; counsellors only when they may read their own clients' applications."""

    roles = (Role.STAFF, Role.TEAM_LEAD)

    def has_permission(self, request, view) -> bool:
        if conf.counsellors_read_own_clients():
            self.roles = (Role.STAFF, Role.TEAM_LEAD, Role.COUNSELLOR)
        return super().has_permission(request, view)


def audit_read(user, action: str, application: Application, **data) -> None:
    audit_record(actor=user, action=action, obj=application, jobcenter=application.jobcenter_id, data=data)


def row_of(user, application: Application, *, status: int = 200) -> Response:
    """The queue row of one application (as after a change), with its ETag."""
    today = selectors.today_in_berlin()
    fresh = selectors.with_queue_columns(Application.objects.filter(pk=application.pk), today=today).get()
    return row_response(fresh, today=today, status=status)


def row_response(application: Application, *, today, status: int = 200) -> Response:
    """The queue row of an application read ``with_queue_columns``, with its ETag."""
    body = s.QueueRowOut(application, context={"clock_of": lambda a: selectors.clock_of(a, today=today)}).data
    return with_etag(Response(body, status=status), application)


def _case_read(request, application_id, action: str) -> Application:
    """The case for a staff member of its Jobcenter, the read audited as ``action``."""
    application = application_get_for_staff(user=request.user, public_id=application_id)
    audit_read(request.user, action, application)
    return application


def _document_request_out(pk: int, *, status: int = 200) -> Response:
    document_request = DocumentRequest.objects.select_related("created_by").get(pk=pk)
    body = s.DocumentRequestOut(document_request, context={"today": selectors.today_in_berlin()}).data
    return Response(body, status=status)


def _parse(serializer_class, data, **kw):
    serializer = serializer_class(data=data, **kw)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- queue ------------------------------------------------------------------------------------
class QueueList(APIView):
    """The Jobcenter's submitted applications, oldest lodged first, cursor-paged."""

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
        if is_caseworker(user):
            services.applications_route_pending(jobcenter_id=user.jobcenter_id)
        today = selectors.today_in_berlin()
        deadline = query.get("deadline") or (Flag.WARNING if query["overdue"] else None)
        filters = selectors.QueueFilters(
            **({"statuses": tuple(query["status"])} if query.get("status") else {}),
            team_public_id=query.get("team"),
            assigned=query["assigned"],
            assignee_public_id=query.get("assignee"),
            deadline=deadline,
            documents_overdue=query["documents_overdue"],
            unread=query["unread"],
            lodged_from=query.get("lodged_from"),
            lodged_to=query.get("lodged_to"),
        )
        self.ordering = (query["ordering"], "id" if query["ordering"] == "lodged_at" else "-id")
        queryset = selectors.queue_applications_for_staff(user=user, filters=filters, today=today)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        audit_record(
            actor=user,
            action="queue.list",
            object_type="casework.queue",
            object_id="applications",
            data={"applications": [str(a.public_id) for a in page]},
        )
        rows = s.QueueRowOut(page, many=True, context={"clock_of": lambda a: selectors.clock_of(a, today=today)})
        return paginator.get_paginated_response(rows.data)


class ClaimNext(APIView):
    """Take the oldest unassigned case of my team(s); 204 when the queue is empty."""

    permission_classes = [IsStaff]

    @extend_schema(request=s.ClaimNextIn, responses={200: s.QueueRowOut, 204: None})
    def post(self, request):
        data = _parse(s.ClaimNextIn, request.data)
        team = None
        if data.get("team"):
            team = Team.objects.filter(public_id=data["team"], jobcenter_id=request.user.jobcenter_id).first()
            if team is None:
                raise Problem(
                    status=400,
                    code="validation",
                    detail=_("Some fields are invalid; see errors."),
                    errors={"team": [_("There is no team with this id in your Jobcenter.")]},
                )
        application = services.application_claim_next(user=request.user, team=team)
        if application is None:
            return Response(status=204)
        return row_response(application, today=selectors.today_in_berlin())  # the claim read the row's columns


class UnreadCounts(APIView):
    """Unread citizen messages: on my cases, over the Jobcenter, and how many cases have some."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(selectors.unread_counts_for_staff(user=request.user))


class Stats(APIView):
    """Figures per Jobcenter and team: counts, processing days, overdue requests, §88 SGG flags."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(selectors.queue_stats(jobcenter_id=request.user.jobcenter_id, now=timezone.now()))


# --- one case ---------------------------------------------------------------------------------
class CaseDetail(APIView):
    """Everything staff need to decide: the submitted data (frozen snapshot), the
    documents, the requests, the history and the decision. Read-only for counsellors."""

    permission_classes = [MayReadQueue]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id):
        user = request.user
        today = selectors.today_in_berlin()
        queryset = selectors.with_queue_columns(applications_visible_to(user=user), today=today).prefetch_related(
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
        try:
            application = queryset.get(public_id=application_id)
        except (Application.DoesNotExist, ValueError):
            raise Http404 from None
        decision = Decision.objects.filter(application=application).first()
        audit_read(user, "application.read", application)
        context = {"clock_of": lambda a: selectors.clock_of(a, today=today), "today": today}
        body = s.QueueRowOut(application, context=context).data
        body.update(
            {
                "data": application.snapshot,
                "snapshot_sha256": application.snapshot_sha256,
                "documents": [s.DocumentOut(d).data for d in application.documents.all()],
                "document_requests": [
                    s.DocumentRequestOut(r, context=context).data for r in application.document_requests.all()
                ],
                "status_history": [
                    {
                        "from": c.from_status,
                        "to": c.to_status,
                        "by": s.person(c.actor),
                        "reason": c.reason,
                        "at": c.created_at,
                    }
                    for c in application.status_changes.all()
                ],
                "decision": s.DecisionOut(decision).data if decision else None,
                "allowed_transitions": allowed_targets(application.status, STAFF) if is_caseworker(user) else [],
            }
        )
        return with_etag(Response(body), application)


class Assign(APIView):
    """Team leads: assign, reassign (also to another team) or unassign (``assignee: null``)."""

    permission_classes = [IsTeamLead]

    @extend_schema(request=s.AssignIn, responses=s.QueueRowOut)
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.AssignIn, request.data)
        check_if_match(request, application)
        jobcenter_id = request.user.jobcenter_id
        assignee = None
        if data["assignee"] is not None:
            assignee = User.objects.filter(public_id=data["assignee"], jobcenter_id=jobcenter_id).first()
            if assignee is None:
                raise _invalid("assignee", _("There is no staff member with this id in your Jobcenter."))
        team = None
        if data.get("team"):
            team = Team.objects.filter(public_id=data["team"], jobcenter_id=jobcenter_id).first()
            if team is None:
                raise _invalid("team", _("There is no team with this id in your Jobcenter."))
        application = services.application_assign(
            application=application, actor=request.user, assignee=assignee, team=team
        )
        return row_of(request.user, application)


def _invalid(field: str, message: str) -> Problem:
    return Problem(
        status=400, code="validation", detail=_("Some fields are invalid; see errors."), errors={field: [message]}
    )


class Release(APIView):
    """Give my case back to the team's queue (team leads: anyone's)."""

    permission_classes = [IsStaff]

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        check_if_match(request, application)
        application = services.application_release(application=application, actor=request.user)
        return row_of(request.user, application)


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
        check_if_match(request, application)
        if data["target"] in DecisionOutcome.values:
            services.application_decide(
                application=application, actor=request.user, outcome=data["target"], **_decision_values(data)
            )
        else:
            services.case_transition(
                application=application, actor=request.user, target=data["target"], reason=data.get("reason", "")
            )
        return row_of(request.user, application)


class DecisionView(APIView):
    """GET the decision; POST approve or reject, with a PDF upload (multipart ``file``) or generated from ``text``."""

    permission_classes = [IsStaff]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id):
        application = application_get_for_staff(user=request.user, public_id=application_id)
        decision = Decision.objects.filter(application=application).first()
        if decision is None:
            raise Http404
        audit_read(request.user, "decision.read", application, decision=str(decision.public_id))
        return Response(s.DecisionOut(decision).data)

    @extend_schema(request=s.DecisionIn, responses={201: s.DecisionOut})
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.DecisionIn, request.data)
        check_if_match(request, application)
        decision = services.application_decide(
            application=application,
            actor=request.user,
            outcome=data["outcome"],
            upload=data.get("file"),
            **_decision_values(data),
        )
        return Response(s.DecisionOut(decision).data, status=201)


def decision_file_response(decision: Decision) -> FileResponse:
    handle = files.private_storage().open(decision.storage_name, "rb")
    return FileResponse(handle, as_attachment=True, filename=decision.document_name, content_type="application/pdf")


class DecisionDocument(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id):
        application = application_get_for_staff(user=request.user, public_id=application_id)
        decision = Decision.objects.filter(application=application).first()
        if decision is None:
            raise Http404
        audit_read(request.user, "decision.document.read", application, decision=str(decision.public_id))
        return decision_file_response(decision)


class DocumentDownload(APIView):
    """A citizen's evidence, for staff of the case's Jobcenter (audited)."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id, document_id):
        application = application_get_for_staff(user=request.user, public_id=application_id)
        document = child_get(queryset=documents_for(application=application), public_id=document_id)
        audit_record(
            actor=request.user,
            action="document.read",
            obj=document,
            jobcenter=application.jobcenter_id,
            data={"application": str(application.public_id)},
        )
        handle = files.private_storage().open(document.storage_name, "rb")
        return FileResponse(
            handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
        )


class DocumentRequests(APIView):
    """The case's requests to cooperate; POST asks for a document (Mitwirkung, §60 SGB I)."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id):
        application = _case_read(request, application_id, "application.document_requests.read")
        requests = application.document_requests.select_related("created_by").prefetch_related("documents")
        context = {"today": selectors.today_in_berlin()}
        return Response([s.DocumentRequestOut(r, context=context).data for r in requests.order_by("deadline", "id")])

    @extend_schema(request=s.DocumentRequestIn, responses={201: s.DocumentRequestOut})
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.DocumentRequestIn, request.data)
        created = services.document_request_create(application=application, actor=request.user, **data)
        return _document_request_out(created.pk, status=201)


class DocumentRequestAction(APIView):
    """``accept`` (the uploads answer it) or ``reject`` (with a reason shown to the citizen)."""

    permission_classes = [IsStaff]
    action = "accept"

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, application_id, request_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        document_request = child_get(queryset=application.document_requests.all(), public_id=request_id)
        if self.action == "accept":
            result = services.document_request_accept(
                application=application, request=document_request, actor=request.user
            )
        else:
            data = _parse(s.ReasonIn, request.data)
            result = services.document_request_reject(
                application=application, request=document_request, actor=request.user, reason=data["reason"]
            )
        return _document_request_out(result.pk)


class Notes(APIView):
    """Internal notes: staff only, never shown to the citizen."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id):
        application = _case_read(request, application_id, "application.notes.read")
        notes = InternalNote.objects.filter(application=application).select_related("author")
        return Response([s.NoteOut(n).data for n in notes])

    @extend_schema(request=s.NoteIn, responses={201: s.NoteOut})
    def post(self, request, application_id):
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        data = _parse(s.NoteIn, request.data)
        note = services.note_add(application=application, actor=request.user, body=data["body"])
        return Response(s.NoteOut(note).data, status=201)


class Messages(APIView):
    """The Postfach thread: reading it marks the citizen's messages read; POST answers."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id):
        application = _case_read(request, application_id, "application.messages.read")
        messages_mark_read(application=application, actor=request.user, by_jobcenter=True)
        messages = messages_for(application=application).select_related("author")
        return Response([s.MessageOut(m).data for m in messages])

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

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id):
        application = application_get_for_owner(user=request.user, public_id=application_id)
        decision = Decision.objects.filter(application=application).first()
        if decision is None:
            raise Http404
        return Response(s.CitizenDecisionOut(decision).data)


class CitizenDecisionDocument(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, application_id):
        application = application_get_for_owner(user=request.user, public_id=application_id)
        decision = Decision.objects.filter(application=application).first()
        if decision is None:
            raise Http404
        audit_record(
            actor=request.user,
            action="decision.document.download",
            obj=application,
            jobcenter=application.jobcenter_id,
            data={"decision": str(decision.public_id)},
        )
        return decision_file_response(decision)
