"""The citizen's evidence pages: the checklist with an upload per item, the
download and deletion of an upload, and the answer to a document request.

Each view finds the application through ``application_get_for_owner`` (404 for
anyone else), checks the role with the API's ``IsCitizen``, and calls the same
services as ``applications/api/views.py``: ``document_upload`` and
``document_delete``. A service's refusal (``Problem``) becomes a message at the
field and in the error summary; a stale form (412) says the page changed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import files
from applications.checklist import checklist_for
from applications.conf import app_settings
from applications.constants import EDITABLE_STATUSES, OTHER_DOCUMENT, DocumentRequestStatus
from applications.models import Application
from applications.selectors import application_get_for_owner, child_get, document_requests_for, documents_for
from applications.services import document_delete as delete_service
from applications.services import document_upload
from applications.web.documents_forms import DeleteForm, UploadForm
from portal.api.conditional import etag_for
from portal.api.problems import Problem
from portal.bodylimit import body_was_too_large, upload_page
from portal.clock import berlin_today
from portal.web.access import citizen_page

STALE = gettext_lazy(
    "This application was changed meanwhile (for example in another window). Please check the page and try again."
)


def _limit_mb() -> str:
    return f"{app_settings.UPLOAD_MAX_BYTES / (1024 * 1024):g}"


def _upload(request, application: Application, form: UploadForm, *, document_request=None) -> bool:
    """Run ``document_upload`` for a valid form; a refusal goes onto the form. True when stored."""
    try:
        files.check_file_count(request)
        document_upload(
            application=application,
            actor=request.user,
            upload=form.upload,
            checklist_key=form.cleaned_data["checklist_key"] or OTHER_DOCUMENT,
            document_request=document_request,
            if_match=form.cleaned_data["version"] or None,
        )
    except Problem as problem:
        _refusal_onto(form, problem)
        return False
    return True


def _refusal_onto(form: UploadForm, problem: Problem) -> None:
    """A service's refusal as the person reads it: about the file at the input it came
    through, anything else in the summary; a stale version as "changed meanwhile"."""
    if problem.status_code == 412:
        form.add_error(None, str(STALE))
    elif "file" in (problem.errors or {}):
        message = problem.errors["file"] if problem.status_code == 400 else [str(problem.detail)]
        form.add_error(form.upload_field, message)
    else:
        form.add_error(None, str(problem.detail))


def _page_error(message: str) -> forms.Form:
    """An error for the summary that belongs to no field (the body was never read)."""
    form = forms.Form(data={})
    form.is_valid()
    form.add_error(None, message)
    return form


def _too_large(request) -> forms.Form | None:
    """The summary for an upload over the limit: told by the body limit (served by
    daphne), or by the announced length (the test client, a server without it)."""
    if body_was_too_large(request):
        return _page_error(str(files.too_large(0).detail))
    if request.method == "POST":
        try:
            files.check_request_size(request)
        except Problem as problem:
            return _page_error(str(problem.detail))
    return None


def _rendered_from(form: UploadForm, application: Application) -> UploadForm:
    """A failed form shown again names the version the page now shows."""
    form.data = form.data.copy()
    form.data["version"] = etag_for(application)
    return form


# --- the evidence checklist -------------------------------------------------------------------
@upload_page
@citizen_page
def evidence(request, application_id):
    """The checklist with each item's uploads and an upload form per item; "other" last."""
    application = application_get_for_owner(user=request.user, public_id=application_id, detail=True)
    bound: UploadForm | None = None
    summary = _too_large(request)
    if summary is None and request.method == "POST":
        bound = UploadForm(request.POST, request.FILES)
        if bound.is_valid() and _upload(request, application, bound):
            messages.success(request, _("Your file was uploaded."))
            return redirect("applications_web:evidence", application.public_id)
        application = application_get_for_owner(user=request.user, public_id=application_id, detail=True)
        bound, summary = _rendered_from(bound, application), bound
    status = 413 if summary is not None and bound is None else (400 if bound is not None else 200)
    context = _evidence_context(application, bound)
    return render(request, "applications/documents/evidence.html", {**context, "summary_form": summary}, status=status)


def _evidence_context(application: Application, bound: UploadForm | None) -> dict:
    items = checklist_for(application)
    keys = {item.key for item in items}
    rows = [(item.key, item.title, item.documents) for item in items]
    rows.append(
        (OTHER_DOCUMENT, _("Other documents"), [d for d in application.documents.all() if d.checklist_key not in keys])
    )
    editable = application.status in EDITABLE_STATUSES
    version = etag_for(application)
    bound_key = (bound.data.get("checklist_key") or OTHER_DOCUMENT) if bound is not None else None
    sections = []
    for index, (key, title, documents) in enumerate(rows):
        form = None
        if editable:
            if key == bound_key:
                form, bound_key = bound, None
                form.auto_id = f"id_item{index}_%s"
            else:
                form = UploadForm(initial={"checklist_key": key, "version": version}, auto_id=f"id_item{index}_%s")
        sections.append({"key": key, "title": title, "documents": documents, "form": form, "index": index})
    requests = document_requests_for(application=application)
    return {
        "application": application,
        "sections": sections,
        "editable": editable,
        "version": version,
        "open_requests": [r for r in requests if r.status == DocumentRequestStatus.OPEN],
        "limit_mb": _limit_mb(),
        "max_bytes": app_settings.UPLOAD_MAX_BYTES,
    }


# --- one upload -------------------------------------------------------------------------------
@citizen_page
def document_file(request, application_id, document_id):
    """The file itself, as the API serves it: always a download, never inline."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    document = child_get(queryset=documents_for(application=application), public_id=document_id)
    return files.download_response(document)


@citizen_page
def document_delete(request, application_id, document_id):
    """POST: remove an upload (only before submission; the service refuses after)."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    document = child_get(queryset=documents_for(application=application), public_id=document_id)
    back = _back(request, application, document)
    if request.method != "POST":
        return redirect(back)
    form = DeleteForm(request.POST)
    form.is_valid()
    try:
        delete_service(
            application=application,
            actor=request.user,
            document=document,
            if_match=form.cleaned_data.get("version") or None,
        )
    except Problem as problem:
        if problem.status_code == 412:
            messages.warning(request, str(STALE))
        else:
            messages.warning(request, str(problem.detail))
        return redirect(back)
    messages.success(request, _("The file “%(name)s” was deleted.") % {"name": document.original_name})
    return redirect(back)


def _back(request, application: Application, document) -> str:
    if document.document_request_id:
        return reverse("applications_web:request", args=[application.public_id, document.document_request.public_id])
    return reverse("applications_web:evidence", args=[application.public_id])


# --- a document request -----------------------------------------------------------------------
@upload_page
@citizen_page
def request_answer(request, application_id, request_id):
    """What the Jobcenter asks for, by when, the warning (§66 SGB I) as stored, and an upload."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    item = child_get(queryset=document_requests_for(application=application), public_id=request_id)
    form = UploadForm(initial={"version": etag_for(application)}, auto_id="id_request_%s")
    summary = _too_large(request)
    status = 413 if summary is not None else 200
    if summary is None and request.method == "POST":
        form = UploadForm(request.POST, request.FILES, auto_id="id_request_%s")
        if form.is_valid() and _upload(request, application, form, document_request=item):
            messages.success(request, _("Your file was uploaded. The Jobcenter will check it."))
            return redirect("applications_web:request", application.public_id, item.public_id)
        application = application_get_for_owner(user=request.user, public_id=application_id)
        item = child_get(queryset=document_requests_for(application=application), public_id=request_id)
        form, summary, status = _rendered_from(form, application), form, 400
    context = {
        "application": application,
        "item": item,
        "form": form,
        "summary_form": summary,
        "open": item.status == DocumentRequestStatus.OPEN,
        "overdue": item.is_overdue(berlin_today()),
        "documents": list(item.documents.all()),
        "editable": application.status in EDITABLE_STATUSES,
        "limit_mb": _limit_mb(),
        "max_bytes": app_settings.UPLOAD_MAX_BYTES,
    }
    return render(request, "applications/documents/request.html", context, status=status)
