"""The staff workbench (Leistungssachbearbeitung): the team's queue, a case, and
the actions the state machine allows on it.

Every view lets in whom the casework API lets in, by the API's own permission
classes (role, and a second factor in this session); a case comes from the
same access helpers (another Jobcenter's case: 404), and every read and write
goes through the selectors and services the API calls, so the audit trail
records a page view exactly as the API's read. A change carries the case
version the page was rendered from (``If-Match``): a stale form gets "the case
changed meanwhile" and the page as it is now, with what was typed kept.
"""

from __future__ import annotations

import functools
import time
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.checklist import checklist_for
from applications.constants import IN_CASEWORK_STATUSES, ApplicationStatus, DocumentRequestStatus
from applications.models import Application, BankAccount, HouseholdMember, HousingCosts
from applications.selectors import child_get
from casework import legal, selectors, services
from casework.access import application_get_for_caseworker, is_caseworker, may_work
from casework.api.views import MayReadQueue, document_file_response
from casework.web import forms as f
from portal.api.conditional import etag_for
from portal.api.permissions import IsStaff, IsTeamLead
from portal.api.problems import Problem
from portal.audit import AuditAction, audit_record
from portal.clock import berlin_today
from portal.constants import Role

QUEUE_PAGE_SIZE = 50
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


# --- who may use the workbench ----------------------------------------------------------------
def refused(request, problem: Problem):
    return render(request, "casework/workbench/refused.html", {"detail": problem.detail}, status=403)


# A form sent after the session ended (idle timeout): kept for the case page after the login.
DRAFT_SESSION_KEY = "workbench_draft"
DRAFT_MAX_AGE = 60 * 60  # seconds
DRAFT_FORMS = {  # the action's URL name: the case page's form it fills again
    "request-documents": ("request", "DocumentRequestForm", "id_request_%s"),
    "add-note": ("note", "NoteForm", "id_note_%s"),
    "send-message": ("message", "MessageForm", "id_message_%s"),
    "decide": ("decide", "DecisionForm", "id_decide_%s"),
}


def _keep_draft(request, application_id) -> str:
    """The session ended while a form was open (staff idle timeout): keep what was
    typed in the new session, and send the person to log in and back to the case."""
    case_url = reverse("casework_web:case", args=[application_id])
    action = request.resolver_match.url_name if request.resolver_match else ""
    if action in DRAFT_FORMS:
        fields = {k: v[:20000] for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "version")}
        request.session[DRAFT_SESSION_KEY] = {
            "case": str(application_id),
            "action": action,
            "data": fields,
            "at": int(time.time()),
        }
    return case_url


def _draft_forms(request, application) -> dict:
    """The kept draft of this case as unbound forms (the version is the page's current one)."""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if not draft or draft.get("case") != str(application.public_id):
        return {}
    del request.session[DRAFT_SESSION_KEY]
    if time.time() - draft.get("at", 0) > DRAFT_MAX_AGE or draft.get("action") not in DRAFT_FORMS:
        return {}
    key, form_name, auto_id = DRAFT_FORMS[draft["action"]]
    messages.info(request, _("Your session had ended. What you typed was kept: please check it and send it again."))
    return {key: getattr(f, form_name)(initial=draft["data"], auto_id=auto_id)}


def staff_page(permission):
    """Let in whom the API's ``permission`` lets in: the anonymous go to the login
    page and back (a form sent after the session ended is kept as a draft); a
    citizen, or staff without a second factor, get the API's reason (403)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if request.method == "POST" and "application_id" in kwargs:
                    return redirect_to_login(_keep_draft(request, kwargs["application_id"]))
                return redirect_to_login(request.get_full_path())
            try:
                permission().has_permission(request, None)
                return view(request, *args, **kwargs)
            except Problem as problem:
                if problem.status_code == 403:  # role_required, mfa_required
                    return refused(request, problem)
                raise

        return wrapped

    return decorate


def problem_message(problem: Problem) -> str:
    if problem.status_code == 412:
        return _("The case was changed meanwhile by someone else. Please check it as it is now and try again.")
    return str(problem.detail)


def _problem_to_form(form, problem: Problem) -> None:
    """The service's refusal at the field it names, else at the top of the form."""
    named = False
    for field, errors in (problem.errors or {}).items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            named = True
    if not named:
        form.add_error(None, problem_message(problem))


def _if_match(application, version: int) -> str:
    """The ``If-Match`` of the version the form was rendered from, as the API's client sends it."""
    return etag_for(SimpleNamespace(public_id=application.public_id, version=version))


# --- the queue --------------------------------------------------------------------------------
@require_GET
@staff_page(MayReadQueue)
def queue(request):
    """The team's queue with the API's filters, oldest lodged first; the listing audited as the API's."""
    form = f.QueueFilterForm(request.GET or None)
    query = form.query() if form.is_valid() else {}
    today = berlin_today()
    rows = selectors.queue_applications_for_staff(
        user=request.user, filters=selectors.QueueFilters.of(query), today=today
    ).order_by("lodged_at", "id")
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.QUEUE_LIST,
        object_type="casework.queue",
        object_id="applications",
        data={"applications": [str(a.public_id) for a in page]},
    )
    for application in page:
        application.clock = selectors.clock_of(application, today=today)
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "casework/workbench/queue.html",
        {
            "form": form,
            "page": page,
            "filters": filters.urlencode(),
            "mine": query.get("assigned") == "me",
            "may_claim": request.user.has_role(Role.STAFF, Role.TEAM_LEAD),
        },
    )


@require_POST
@staff_page(IsStaff)
def claim_next(request):
    """ "Next case": the API's claim-next, then the case."""
    try:
        application = services.application_claim_next(user=request.user)
    except Problem as problem:
        messages.warning(request, problem_message(problem))
        return redirect("casework_web:queue")
    if application is None:
        messages.info(request, _("There is no unassigned case in your team's queue."))
        return redirect("casework_web:queue")
    messages.success(request, _("Case %(reference)s is now assigned to you.") % {"reference": application.reference})
    return redirect("casework_web:case", application.public_id)


# --- a case -----------------------------------------------------------------------------------
SNAPSHOT_MODELS = {
    "personal": (HouseholdMember, Application),
    "household": (HouseholdMember,),
    "housing": (HousingCosts,),
    "bank_account": (BankAccount,),
}


def _rows(data: dict, models, skip=("id", "forms")) -> list[tuple[str, object]]:
    """(label, value) of a snapshot part, labelled and valued by the models' fields where they name them."""
    rows = []
    for name, value in data.items():
        if name in skip or value in (None, "", []):
            continue
        field = next((m._meta.get_field(name) for m in models if name in {f.name for f in m._meta.fields}), None)
        label = field.verbose_name if field is not None else name.replace("_", " ")
        if field is not None and field.choices:
            value = dict(field.flatchoices).get(value, value)
        rows.append((str(label)[:1].upper() + str(label)[1:], value))
    return rows


def _snapshot_sections(snapshot: dict | None) -> list[dict]:
    """The frozen snapshot's parts as titled lists of (field, value): the data as submitted."""
    return [
        {"key": key, "rows": _rows((snapshot or {}).get(key) or {}, SNAPSHOT_MODELS[key])}
        for key in ("personal", "housing", "bank_account")
    ]


def _household(snapshot: dict | None) -> list[list[tuple[str, object]]]:
    return [_rows(member, SNAPSHOT_MODELS["household"]) for member in (snapshot or {}).get("household") or []]


def _case_page(request, application_id, *, bound: dict | None = None, status: int = 200):
    """The case as staff need it to decide; ``bound``: forms that came back with errors."""
    bound = bound or {}
    user = request.user
    today = berlin_today()
    application = selectors.case_detail_for_staff(user=user, public_id=application_id, today=today)
    drafts = _draft_forms(request, application) if request.method == "GET" else {}
    caseworker = is_caseworker(user)
    mine = caseworker and may_work(user=user, application=application)
    undecided = application.status in IN_CASEWORK_STATUSES
    lead = user.has_role(Role.TEAM_LEAD)
    handover_form = bound.get("handover") or f.HandOverForm(application=application, auto_id="id_handover_%s")
    for request_ in application.document_requests.all():
        key = f"reject-{request_.public_id}"
        request_.reject_form = bound.get(key) or f.ReasonForm(auto_id=f"id_{key}_%s")
        request_.answerable = mine and request_.status == DocumentRequestStatus.OPEN and bool(request_.documents.all())
    for document in application.documents.all():
        document.inline = document.content_type in INLINE_TYPES
        document.is_image = document.content_type.startswith("image/")
    context = {
        "application": application,
        "clock": selectors.clock_of(application, today=today),
        "sections": _snapshot_sections(application.snapshot),
        "household": _household(application.snapshot),
        "checklist": checklist_for(application),
        "caseworker": caseworker,
        "actions": {
            "assign_to_me": caseworker and lead and undecided and application.assigned_to_id != user.pk,
            "release": caseworker and application.assigned_to_id is not None and (lead or mine),
            "hand_over": mine and undecided and len(handover_form.fields["team"].choices) > 1,  # another team
            "request_documents": mine and undecided,
            "reply": mine,
            "decide": mine and ApplicationStatus.APPROVED in application.allowed_transitions,
            "resume_review": mine
            and application.status == ApplicationStatus.DOCUMENTS_REQUESTED
            and ApplicationStatus.IN_REVIEW in application.allowed_transitions,
        },
        "decision_form": bound.get("decide") or drafts.get("decide") or f.DecisionForm(auto_id="id_decide_%s"),
        "request_form": bound.get("request") or drafts.get("request") or f.DocumentRequestForm(auto_id="id_request_%s"),
        "note_form": bound.get("note") or drafts.get("note") or f.NoteForm(auto_id="id_note_%s"),
        "message_form": bound.get("message") or drafts.get("message") or f.MessageForm(auto_id="id_message_%s"),
        "handover_form": handover_form,
        "failed": next(iter(bound.values()), None),
        "official": legal.official_texts(citizen_language=application.applicant.preferred_language),
    }
    if caseworker:  # the API's notes and Postfach reads (each audited; reading marks messages read)
        context["notes"] = selectors.notes_of_case(user=user, public_id=application.public_id).order_by("created_at")
        context["thread"] = services.staff_messages_read(user=user, public_id=application.public_id)
    return render(request, "casework/workbench/case.html", context, status=status)


@require_GET
@staff_page(MayReadQueue)
def case(request, application_id):
    return _case_page(request, application_id)


@require_GET
@staff_page(IsStaff)
def document(request, application_id, document_id):
    """The API's DocumentDownload; ``?inline=1`` shows a PDF or an image in the browser."""
    document = selectors.document_for_staff(user=request.user, public_id=application_id, document_id=document_id)
    inline = request.GET.get("inline") == "1" and document.content_type in INLINE_TYPES
    return document_file_response(document, as_attachment=not inline)


def _act(request, application_id, *, form, key: str, run, done: str, lookup=None):
    """One action: parse ``form``, call the service through ``run``, then
    post/redirect/get; a refusal comes back at the form, with the page as it is now."""
    application = application_get_for_caseworker(user=request.user, public_id=application_id)
    if form.is_valid():
        try:
            run(application, form.cleaned_data)
        except Problem as problem:
            _problem_to_form(form, problem)
            return _case_page(request, application_id, bound={key: form}, status=problem.status_code)
        messages.success(request, done)
        return redirect("casework_web:case", application.public_id)
    return _case_page(request, application_id, bound={key: form}, status=400)


@require_POST
@staff_page(IsTeamLead)
def assign_to_me(request, application_id):
    """Team leads take a case (the API's Assign with themselves as assignee)."""
    return _act(
        request,
        application_id,
        form=f.VersionForm(request.POST, auto_id="id_assign_%s"),
        key="assign",
        done=_("The case is now assigned to you."),
        run=lambda application, data: services.application_assign(
            application=application,
            actor=request.user,
            assignee_public_id=request.user.public_id,
            if_match=_if_match(application, data["version"]),
        ),
    )


@require_POST
@staff_page(IsStaff)
def release(request, application_id):
    return _act(
        request,
        application_id,
        form=f.VersionForm(request.POST, auto_id="id_release_%s"),
        key="release",
        done=_("The case is back in the team's queue."),
        run=lambda application, data: services.application_release(
            application=application, actor=request.user, if_match=_if_match(application, data["version"])
        ),
    )


@require_POST
@staff_page(IsStaff)
def resume_review(request, application_id):
    """The API's Transition to ``in_review``: the documents are in, the case can be decided."""
    return _act(
        request,
        application_id,
        form=f.VersionForm(request.POST, auto_id="id_review_%s"),
        key="review",
        done=_("The case is in review again and can be decided."),
        run=lambda application, data: services.case_transition(
            application=application,
            actor=request.user,
            target=ApplicationStatus.IN_REVIEW,
            if_match=_if_match(application, data["version"]),
        ),
    )


@require_POST
@staff_page(IsStaff)
def hand_over(request, application_id):
    """The API's HandOver: the case leaves me and waits in the other team's queue."""
    application = application_get_for_caseworker(user=request.user, public_id=application_id)
    return _act(
        request,
        application_id,
        form=f.HandOverForm(request.POST, application=application, auto_id="id_handover_%s"),
        key="handover",
        done=_("The case was handed over. It waits in the other team's queue."),
        run=lambda application, data: services.case_hand_over(
            application=application,
            actor=request.user,
            team_public_id=data["team"],
            if_match=_if_match(application, data["version"]),
        ),
    )


@require_POST
@staff_page(IsStaff)
def request_documents(request, application_id):
    return _act(
        request,
        application_id,
        form=f.DocumentRequestForm(request.POST, auto_id="id_request_%s"),
        key="request",
        done=_("The documents were requested. The citizen has been notified."),
        run=lambda application, data: services.document_request_create(
            application=application,
            actor=request.user,
            description=data["description"],
            deadline=data["deadline"],
            if_match=_if_match(application, data["version"]),
        ),
    )


def _request_of(application, request_id):
    return child_get(queryset=application.document_requests.all(), public_id=request_id)


@require_POST
@staff_page(IsStaff)
def accept_request(request, application_id, request_id):
    key = f"accept-{request_id}"
    return _act(
        request,
        application_id,
        form=f.VersionForm(request.POST, auto_id=f"id_{key}_%s"),
        key=key,
        done=_("The request is fulfilled."),
        run=lambda application, data: services.document_request_accept(
            application=application,
            request=_request_of(application, request_id),
            actor=request.user,
            if_match=_if_match(application, data["version"]),
        ),
    )


@require_POST
@staff_page(IsStaff)
def reject_request(request, application_id, request_id):
    key = f"reject-{request_id}"
    return _act(
        request,
        application_id,
        form=f.ReasonForm(request.POST, auto_id=f"id_{key}_%s"),
        key=key,
        done=_("The request is marked as not answered. The citizen sees your reason."),
        run=lambda application, data: services.document_request_reject(
            application=application,
            request=_request_of(application, request_id),
            actor=request.user,
            reason=data["reason"],
            if_match=_if_match(application, data["version"]),
        ),
    )


@require_POST
@staff_page(IsStaff)
def add_note(request, application_id):
    return _act(
        request,
        application_id,
        form=f.NoteForm(request.POST, auto_id="id_note_%s"),
        key="note",
        done=_("The note was saved."),
        run=lambda application, data: services.note_add(application=application, actor=request.user, body=data["body"]),
    )


@require_POST
@staff_page(IsStaff)
def send_message(request, application_id):
    return _act(
        request,
        application_id,
        form=f.MessageForm(request.POST, auto_id="id_message_%s"),
        key="message",
        done=_("Your reply was sent to the citizen's Postfach."),
        run=lambda application, data: services.staff_message_send(
            application=application, actor=request.user, body=data["body"]
        ),
    )


@require_POST
@staff_page(IsStaff)
def decide(request, application_id):
    """Approve or reject; with ``preview`` the notice's PDF as it would be sent, nothing decided."""
    form = f.DecisionForm(request.POST, auto_id="id_decide_%s")
    if "preview" in request.POST:
        application = application_get_for_caseworker(user=request.user, public_id=application_id)
        if form.is_valid():
            try:
                pdf = services.decision_notice_preview(application=application, **form.decision())
            except Problem as problem:
                _problem_to_form(form, problem)
                return _case_page(request, application_id, bound={"decide": form}, status=problem.status_code)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{application.reference}-preview.pdf"'
            return response
        return _case_page(request, application_id, bound={"decide": form}, status=400)
    return _act(
        request,
        application_id,
        form=form,
        key="decide",
        done=_("The decision was sent. The citizen has been notified."),
        run=lambda application, data: services.application_decide(
            application=application,
            actor=request.user,
            if_match=_if_match(application, data["version"]),
            **form.decision(),
        ),
    )
