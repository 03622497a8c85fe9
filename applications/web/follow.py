"""The citizen follows an application: the list, the application's page (status, the
next thing to do, timeline, documents, requests), the Postfach thread, withdrawing
with a reason, deleting a never-lodged draft; and the application panel of the
overview (``portal/web/overview.py``).

Every view finds the application with ``application_get_for_owner`` (404 for anyone
but the applicant), calls the service or selector the API calls, and answers a
refusal (``Problem``) with a message on the same page.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.conf import app_settings
from applications.models import Application
from applications.selectors import (
    application_get_for_owner,
    applications_for_owner,
    current_application_for_owner,
    document_requests_for,
    documents_for,
    messages_for,
    next_step_for_citizen,
    open_document_requests_for,
    timeline_for,
    unread_for_citizen,
)
from applications.services import application_delete_draft, application_withdraw, message_post, messages_mark_read
from applications.web.documents import _too_large as upload_too_large
from applications.web.follow_forms import DeleteDraftForm, ReplyForm, WithdrawForm
from applications.workflow import citizen_actions
from portal.api.problems import PreconditionFailed, Problem
from portal.bodylimit import upload_page
from portal.clock import berlin_today
from portal.constants import Role
from portal.web.access import citizen_page


def stale_message() -> str:
    return _("Your application was changed meanwhile. Please check the page and try again.")


def problem_message(problem: Problem) -> str:
    return stale_message() if isinstance(problem, PreconditionFailed) else str(problem.detail)


def next_step_link(application: Application, step: dict[str, str] | None) -> dict[str, str] | None:
    """The page and the words for ``next_step_for_citizen``'s answer."""
    if step is None:
        return None
    pid = application.public_id
    kind = step["kind"]
    if kind == "request":
        url = reverse("applications_web:request", args=[pid, step["request"]])
        return {"url": url, "label": _("Send the documents the Jobcenter asked for")}
    if kind == "messages":
        return {"url": reverse("applications_web:messages", args=[pid]), "label": _("Read your new messages")}
    if kind == "section":
        url = reverse("applications_web:step", args=[pid, step["section"].replace("_", "-")])
        return {"url": url, "label": _("Continue your application")}
    if kind == "evidence":
        return {"url": reverse("applications_web:evidence", args=[pid]), "label": _("Upload your documents")}
    return {"url": reverse("applications_web:review", args=[pid]), "label": _("Check and submit your application")}


def application_summary(application: Application) -> dict:
    """What the overview and the application's page show about it: the next step,
    the open document requests (with overdue by today's Berlin date) and the unread count."""
    today = berlin_today()
    open_requests = list(open_document_requests_for(application=application))
    for item in open_requests:
        item.overdue = item.is_overdue(today)
    unread = unread_for_citizen(application=application)
    step = next_step_for_citizen(application=application, open_requests=open_requests, unread=unread)
    return {
        "application": application,
        "next_step": next_step_link(application, step),
        "open_requests": open_requests,
        "unread": unread,
        "actions": citizen_actions(application),
    }


def overview_panel(request) -> dict | None:
    """The overview's application panel: the current application, or the button to apply."""
    if not request.user.has_role(Role.CITIZEN):
        return None
    application = current_application_for_owner(user=request.user)
    if application is None:
        return {"application": None}
    return application_summary(application)


@citizen_page
def application_list(request):
    applications = applications_for_owner(user=request.user)
    return render(request, "applications/follow/list.html", {"applications": applications})


@citizen_page
def application_detail(request, application_id):
    """The application's page: the link in every e-mail about it."""
    application = application_get_for_owner(user=request.user, public_id=application_id, detail=True)
    context = application_summary(application)
    timeline = list(timeline_for(application=application))
    for event in timeline:  # the data holds dates as ISO strings; shown as dates of the page's language
        event.deadline = dt.date.fromisoformat(event.data["deadline"]) if event.data.get("deadline") else None
    context.update(
        timeline=timeline,
        documents=documents_for(application=application),
        requests=document_requests_for(application=application),
    )
    return render(request, "applications/follow/detail.html", context)


@upload_page
@citizen_page
@require_http_methods(["GET", "POST"])
def messages(request, application_id):
    """The Postfach thread. Reading it marks the Jobcenter's messages read (as the
    API's ``messages/read/``); the reply form posts here (with files, if any) and comes back here."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    too_large = upload_too_large(request)  # as the evidence page: a body over the cap is never read
    form = ReplyForm(request.POST or None, request.FILES or None) if too_large is None else ReplyForm()
    status = 200 if too_large is None else 413
    if request.method == "POST" and too_large is None:
        if form.is_valid():
            try:
                message_post(
                    application=application,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    attachments=form.cleaned_data["attachments"],
                )
            except Problem as problem:
                errors = (problem.errors or {}).get("attachments")
                form.add_error("attachments" if errors else None, errors or problem_message(problem))
            else:
                flash.success(request, _("Your message has been sent to the Jobcenter."))
                return redirect("applications_web:messages", application.public_id)
        status = 400
    new = set(
        application.messages.filter(from_jobcenter=True, read_by_citizen_at__isnull=True).values_list("pk", flat=True)
    )
    messages_mark_read(application=application, actor=request.user)
    thread = list(messages_for(application=application))
    for message in thread:
        message.is_new = message.pk in new
    context = {
        "application": application,
        "thread": thread,
        "form": form,
        "summary_form": too_large or form,
        "can_write": citizen_actions(application)["message"],
        "max_length": app_settings.MESSAGE_MAX_LENGTH,
        "open_requests": list(open_document_requests_for(application=application)),
    }
    return render(request, "applications/follow/messages.html", context, status=status)


@citizen_page
@require_http_methods(["GET", "POST"])
def withdraw(request, application_id):
    """Withdraw with a reason: 1. the reason, 2. a confirmation page showing it,
    3. ``application_withdraw`` with the version the first page was rendered from."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    if not citizen_actions(application)["withdraw"]:
        flash.info(request, _("This application can no longer be withdrawn."))
        return redirect("applications_web:detail", application.public_id)
    form = WithdrawForm(request.POST or None, initial={"version": application.version})
    context = {"application": application, "form": form}
    if request.method != "POST":
        return render(request, "applications/follow/withdraw.html", context)
    if not form.is_valid():
        return render(request, "applications/follow/withdraw.html", context, status=400)
    if "change" in request.POST:
        return render(request, "applications/follow/withdraw.html", context)
    if not form.cleaned_data["confirmed"]:
        return render(request, "applications/follow/withdraw_confirm.html", context)
    try:
        application_withdraw(
            application=application,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            if_match=form.if_match(application),
        )
    except Problem as problem:
        # The reason stays; the form now carries the version as it is, to send again after checking.
        context["form"] = WithdrawForm(initial={"version": application.version, "reason": form.cleaned_data["reason"]})
        context["problem"] = problem_message(problem)
        return render(request, "applications/follow/withdraw.html", context, status=problem.status_code)
    flash.success(request, _("Your application has been withdrawn."))
    return redirect("applications_web:detail", application.public_id)


@citizen_page
@require_http_methods(["GET", "POST"])
def delete_draft(request, application_id):
    """Delete a draft that was never lodged, after a confirmation page."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    if not citizen_actions(application)["delete"]:
        flash.info(request, _("A lodged application cannot be deleted. You can withdraw it instead."))
        return redirect("applications_web:detail", application.public_id)
    form = DeleteDraftForm(request.POST or None, initial={"version": application.version})
    context = {"application": application, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            application_delete_draft(application=application, actor=request.user, if_match=form.if_match(application))
        except Problem as problem:
            context["problem"] = problem_message(problem)
            context["form"] = DeleteDraftForm(initial={"version": application.version})
            return render(request, "applications/follow/delete.html", context, status=problem.status_code)
        flash.success(request, _("Your draft has been deleted."))
        return redirect("web:overview")
    return render(request, "applications/follow/delete.html", context)
