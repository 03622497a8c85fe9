"""Applying in the browser: secure the date, one step per section, review, submit.

Every page calls the services the API calls (``applications.services``) and reads
with the same selectors; the rules (what is valid, what is missing, what a status
allows) stay there. A step form carries the application's version (its ETag) and
passes it as ``if_match``, so a form rendered before a change on another device
gets a message instead of overwriting. Submitting uses the API's idempotency store
(``IdempotencyRecord``) with a key made when the review page renders.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications.checklist import checklist_for
from applications.completeness import missing_for
from applications.constants import EDITABLE_STATUSES, OPEN_STATUSES, Relationship
from applications.models import Application, AssetEntry, IncomeEntry
from applications.selectors import (
    application_get_for_owner,
    applications_for_owner,
    child_get,
    entries_for,
    member_get,
    receipt_for,
)
from applications.services import (
    application_create,
    application_lodge,
    application_submit,
    entry_add,
    entry_delete,
    member_add,
    member_delete,
    personal_update,
    section_update,
)
from applications.snapshot import ADDRESS_FIELDS
from applications.web import apply_forms as f
from portal.api.conditional import etag_for
from portal.api.idempotency import _wait_for_completion
from portal.api.problems import Problem
from portal.models import IdempotencyRecord
from portal.web.access import citizen_page


def _url(name: str, application: Application, **kw) -> str:
    return reverse(f"applications_web:{name}", kwargs={"application_id": application.public_id, **kw})


def _problem_text(problem: Problem) -> str:
    if problem.status_code == 412:
        return _(
            "Your application was changed meanwhile, perhaps on another device. "
            "Please check the entries on this page and save again."
        )
    return str(problem.detail)


def _not_editable(application: Application):
    """A submitted application is not changed here: to its page, with a note."""
    return redirect(_url("detail", application))


# --- secure the date (§37 SGB II) --------------------------------------------------------------
@citizen_page
def start(request):
    """One button that creates and lodges the application; a second one is refused by the service."""
    if request.method == "POST":
        try:
            application = application_create(applicant=request.user, lodge=True)
        except Problem as problem:
            open_app = problem.extra.get("open_application")
            if open_app is None:  # e.g. no Jobcenter to apply to
                errors = [m for ms in (problem.errors or {}).values() for m in ms]
                messages.error(request, str(errors[0] if errors else problem.detail))
                return redirect("applications_web:start")
            messages.info(request, str(problem.detail))
            application = application_get_for_owner(user=request.user, public_id=open_app["id"])
            if application.status not in EDITABLE_STATUSES:
                return _not_editable(application)
        return redirect(_url("secured", application))
    open_app = applications_for_owner(user=request.user).filter(status__in=OPEN_STATUSES).first()
    return render(request, "applications/apply/start.html", {"open_application": open_app})


@citizen_page
def secured(request, application_id):
    """The date is secured: the reference and the month it takes effect from, before any form.
    A draft made without lodging (through the app) can be lodged here."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    if request.method == "POST":
        try:
            application_lodge(application=application, actor=request.user, if_match=request.POST.get("version"))
        except Problem as problem:
            messages.error(request, _problem_text(problem))
        return redirect(_url("secured", application))
    return render(
        request,
        "applications/apply/secured.html",
        {"application": application, "steps": STEPS, "first": STEPS[0], "version": etag_for(application)},
    )


# --- the steps --------------------------------------------------------------------------------
# The action of a save as the person leaves a field (htmx): the section's fields, never adding a person or an entry.
AUTOSAVE = "autosave"


class Writes:
    """The version the next service call must name: the form's, then each service's result."""

    def __init__(self, request, application: Application):
        self.request = request
        self.application = application
        self.if_match = request.POST.get("version") or None

    def kw(self) -> dict:
        return {"application": self.application, "actor": self.request.user, "if_match": self.if_match}

    def done(self, application: Application) -> None:
        self.application = application
        self.if_match = etag_for(application)


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    section: str  # the first part of ``missing``'s field paths
    build: Callable  # (application, data, query) -> dict of forms and lists
    save: Callable  # (writes, context, action) -> bool: everything valid


def _personal_build(application, data, query=None):
    applicant = application.applicant_member
    initial = {name: _initial(getattr(applicant, name, None)) for name in f.PersonalForm.base_fields}
    initial.update({name: getattr(application, name) for name in ADDRESS_FIELDS if name in f.PersonalForm.base_fields})
    return {"form": f.PersonalForm(data, initial=initial)}


def _initial(value):
    return "" if value is None else value


def _personal_save(writes, ctx, action):
    form = ctx["form"]
    valid = form.is_valid()
    if form.values:
        writes.done(personal_update(values=form.values, **writes.kw()).application)
    return valid


def _household_build(application, data, query=None):
    """The people, the form to add one, and the form to change one (``?edit=<id>``)."""
    members = [m for m in application.members.all() if m.relationship != Relationship.APPLICANT]
    context = {"form": f.MemberForm(data, prefix="member"), "members": members}
    edit = (data or {}).get("edit_member") or (query or {}).get("edit")
    if edit:
        member = next((m for m in members if str(m.public_id) == edit), None)
        if member is None:
            raise Http404
        initial = {name: _initial(getattr(member, name)) for name in f.MemberEditForm.base_fields}
        context["edit_member"] = member
        context["edit_form"] = f.MemberEditForm(data, initial=initial, prefix="edit")
    return context


def _posted_id(action: str) -> uuid.UUID:
    """The id in a "remove:<uuid>" button's value; anything else is a 404, as in a URL."""
    try:
        return uuid.UUID(action.removeprefix("remove:"))
    except ValueError:
        raise Http404 from None


def _household_save(writes, ctx, action):
    if action.startswith("remove:"):
        member = member_get(application=writes.application, public_id=_posted_id(action))
        writes.done(member_delete(member=member, **writes.kw()))
        messages.success(writes.request, _("The person was removed from the household."))
        return True
    valid = True
    if "edit_form" in ctx:  # the person being changed: saved on any button and on leaving a field, as every step
        edit = ctx["edit_form"]
        valid = edit.is_valid()
        if edit.values:
            part = section_update(section="household", instance=ctx["edit_member"], values=edit.values, **writes.kw())
            writes.done(part.application)
        if not valid:
            return False
    form = ctx["form"]
    if action == AUTOSAVE or (action != "add" and form.is_empty()):
        return valid
    if not form.is_valid():
        return False
    writes.done(member_add(values=form.values, **writes.kw()).application)
    messages.success(writes.request, _("The person was added to the household."))
    return valid


def _housing_build(application, data, query=None):
    housing = application.housing
    initial = {name: _initial(getattr(housing, name)) for name in f.HousingForm.base_fields}
    return {"form": f.HousingForm(data, initial=initial)}


def _housing_save(writes, ctx, action):
    form = ctx["form"]
    valid = form.is_valid()
    if form.values:
        part = section_update(section="housing", instance=writes.application.housing, values=form.values, **writes.kw())
        writes.done(part.application)
    return valid


def _flag(value) -> str:
    return "" if value is None else ("true" if value else "false")


def _entries_step(section: str, model, flag_form, entry_form, flag: str):
    def build(application, data, query=None):
        return {
            "form": flag_form(data, initial={flag: _flag(getattr(application, flag))}),
            "entry_form": entry_form(data, application=application),
            "entries": list(entries_for(application=application, model=model)),
        }

    def save(writes, ctx, action):
        if action.startswith("remove:"):
            entries = entries_for(application=writes.application, model=model)
            entry = child_get(queryset=entries, public_id=_posted_id(action))
            writes.done(entry_delete(entry=entry, **writes.kw()))
            messages.success(writes.request, _("The entry was removed."))
            return True
        form, entry = ctx["form"], ctx["entry_form"]
        valid = form.is_valid()
        if form.values:
            part = section_update(section=section, instance=writes.application, values=form.values, **writes.kw())
            writes.done(part)
        if action == AUTOSAVE or (action != "add" and entry.is_empty()):
            return valid
        if not entry.is_valid():
            return False
        writes.done(entry_add(model=model, values=entry.values, **writes.kw()).application)
        messages.success(writes.request, _("The entry was added."))
        return valid

    return build, save


def _health_build(application, data, query=None):
    forms = []
    for member in application.members.all():
        initial = {"kind": member.health_insurance_kind, "insurer": member.health_insurer}
        forms.append((member, f.HealthInsuranceForm(data, initial=initial, prefix=f"hi-{member.public_id}")))
    return {"member_forms": forms}


def _health_save(writes, ctx, action):
    valid = True
    for member, form in ctx["member_forms"]:
        valid = form.is_valid() and valid
        if form.values:
            part = section_update(section="health_insurance", instance=member, values=form.values, **writes.kw())
            writes.done(part.application)
    return valid


def _bank_build(application, data, query=None):
    account = application.bank_account
    initial = {name: getattr(account, name) for name in f.BankAccountForm.base_fields}
    return {"form": f.BankAccountForm(data, initial=initial)}


def _bank_save(writes, ctx, action):
    form = ctx["form"]
    valid = form.is_valid()
    if form.values:
        part = section_update(
            section="bank_account", instance=writes.application.bank_account, values=form.values, **writes.kw()
        )
        writes.done(part.application)
    return valid


STEPS = [
    Step("personal", gettext_lazy("Personal data"), "personal", _personal_build, _personal_save),
    Step("household", gettext_lazy("Household"), "household", _household_build, _household_save),
    Step("housing", gettext_lazy("Housing costs"), "housing", _housing_build, _housing_save),
    Step(
        "income",
        gettext_lazy("Income"),
        "income",
        *_entries_step("income", IncomeEntry, f.IncomeFlagForm, f.IncomeEntryForm, "has_income"),
    ),
    Step(
        "assets",
        gettext_lazy("Assets"),
        "assets",
        *_entries_step("assets", AssetEntry, f.AssetsFlagForm, f.AssetEntryForm, "has_assets"),
    ),
    Step("health-insurance", gettext_lazy("Health insurance"), "health_insurance", _health_build, _health_save),
    Step("bank-account", gettext_lazy("Bank account"), "bank_account", _bank_build, _bank_save),
]
BY_SLUG = {s.slug: s for s in STEPS}
BY_SECTION = {s.section: s for s in STEPS}


def _target(application: Application, step: Step, action: str) -> str:
    """Where a saved step leads: on, back, or the same step after adding or removing."""
    index = STEPS.index(step)
    if action == "next":
        return (
            _url("step", application, step=STEPS[index + 1].slug)
            if index + 1 < len(STEPS)
            else _url("review", application)
        )
    if action == "back":
        return _url("step", application, step=STEPS[index - 1].slug) if index else _url("secured", application)
    return _url("step", application, step=step.slug)


@citizen_page
def step(request, application_id, step):
    """One section of the form: GET shows it, POST saves it (``Weiter`` and ``Zurück`` both save)."""
    spec = BY_SLUG.get(step)
    if spec is None:
        raise Http404
    application = application_get_for_owner(user=request.user, public_id=application_id, detail=True)
    if application.status not in EDITABLE_STATUSES:
        return _not_editable(application)
    problem = None
    if request.method == "POST":
        autosave = bool(request.htmx)
        action = AUTOSAVE if autosave else request.POST.get("action", "next")
        context = spec.build(application, request.POST)
        writes = Writes(request, application)
        try:
            if spec.save(writes, context, action) and not autosave:
                return redirect(_target(application, spec, action))
        except Problem as error:
            problem = _problem_text(error)
        if autosave:
            return _autosaved(request, context, writes, problem)
        # Show what the person typed, with the version as it is now (saved parts included).
        application = application_get_for_owner(user=request.user, public_id=application_id, detail=True)
        if application.status not in EDITABLE_STATUSES:
            return _not_editable(application)
    else:
        context = spec.build(application, None, request.GET)
    index = STEPS.index(spec)
    forms = _forms(context)
    response = render(
        request,
        f"applications/apply/{spec.slug}.html",
        {
            **context,
            "application": application,
            "version": etag_for(application),
            "steps": STEPS,
            "step": spec,
            "number": index + 1,
            "last": index + 1 == len(STEPS),
            "problem": problem,
            "has_errors": problem is not None or any(form.errors for form in forms),
            "all_forms": forms,
        },
    )
    if request.method == "POST":
        response.status_code = 409 if problem else 400
    return response


def _autosaved(request, context: dict, writes: Writes, problem: str | None) -> HttpResponse:
    """The answer to a save on leaving a field (htmx, ``static/applications/autosave.js``): the
    version to send next, the field again with its message, and a line for the status region.
    Out-of-band swaps only; without JavaScript the step's buttons do the same through ``step``."""
    name = request.POST.get("autosave", "")
    field = next((form[n] for form in _forms(context) for n in form.fields if form[n].html_name == name), None)
    if problem:
        status = problem
    elif field is not None and field.errors:
        status = _("Not saved: %(label)s: %(error)s") % {"label": field.label, "error": " ".join(field.errors)}
    elif field is not None:
        status = _("%(label)s saved.") % {"label": field.label}
    else:
        status = ""
    context = {"version": writes.if_match or "", "field": field, "status": status}
    return render(request, "applications/apply/_autosaved.html", context)


def _forms(context: dict) -> list[f.SectionForm]:
    """The step's bound forms, for the error summary (validated already: ``errors`` runs nothing new)."""
    out = []
    for value in context.values():
        if isinstance(value, f.SectionForm):
            out.append(value)
        elif isinstance(value, list):
            out += [item[1] for item in value if isinstance(item, tuple)]
    return [form for form in out if form.is_bound and hasattr(form, "cleaned_data")]


# --- review and submit ------------------------------------------------------------------------
def _gap_link(application: Application, path: str) -> tuple[Step | None, str]:
    parts = path.split(".")
    spec = BY_SECTION.get(parts[0])
    if spec is None:
        return None, ""
    anchor = ""
    if parts[0] == "health_insurance" and len(parts) == 3:
        anchor = f"#id_hi-{parts[1]}-{parts[2]}"
    elif len(parts) == 2 and parts[0] in ("personal", "housing", "bank_account", "income", "assets"):
        anchor = f"#id_{parts[1]}" if not parts[1].startswith("entries") else ""
    return spec, _url("step", application, step=spec.slug) + anchor


@citizen_page
def review(request, application_id):
    """What is still missing (with links to the step) and the documents still open; then submit."""
    application = application_get_for_owner(user=request.user, public_id=application_id, detail=True)
    if application.submitted_at is not None:
        return redirect(_url("submitted", application))
    if application.status not in EDITABLE_STATUSES:
        return _not_editable(application)
    gaps = []
    for gap in missing_for(application):
        spec, link = _gap_link(application, gap["field"])
        gaps.append({"reason": gap["reason"], "step": spec, "link": link})
    open_documents = [item for item in checklist_for(application) if not item.done]
    return render(
        request,
        "applications/apply/review.html",
        {
            "application": application,
            "steps": STEPS,
            "gaps": gaps,
            "open_documents": open_documents,
            "version": etag_for(application),
            "idempotency_key": uuid.uuid4(),
        },
    )


def _once(request, key: str, work: Callable[[], str]) -> str:
    """Run ``work`` (returns the URL to go to) once per key: a second POST with the same
    key (a double click) waits for the first and goes where it went. The API's store."""
    scope = f"POST {request.path}"
    request_hash = hashlib.sha256(f"{scope} {key}".encode()).hexdigest()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=request.user, key=key, scope=scope, request_hash=request_hash
            )
    except IntegrityError:
        existing = _wait_for_completion(user=request.user, key=key)
        if existing is None:  # the first attempt failed and let go of the key
            return _once(request, key, work)
        if existing.scope != scope or not existing.completed:
            raise Problem(
                status=409,
                code="idempotency_in_progress",
                detail=_("Your application is still being sent. Please wait."),
            ) from None
        return existing.response_body["location"]
    try:
        location = work()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    record.completed = True
    record.response_status = 303
    record.response_body = {"location": location}
    record.save(update_fields=["completed", "response_status", "response_body"])
    return location


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= 255 and key.isprintable()


@require_POST
@citizen_page
def submit(request, application_id):
    """Submit (``application_submit``): incomplete or stale goes back to the review with a message."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    key = request.POST.get("idempotency_key", "")

    def work() -> str:
        application_submit(application=application, actor=request.user, if_match=request.POST.get("version"))
        return _url("submitted", application)

    try:
        location = _once(request, key, work) if _valid_key(key) else work()
    except Problem as problem:
        if problem.code == "application_incomplete":
            messages.error(request, _("Some information is still missing. Please complete it first."))
        else:
            messages.error(request, _problem_text(problem))
        return redirect(_url("review", application))
    return redirect(location)


@citizen_page
def submitted(request, application_id):
    """The confirmation: the reference and the receipt."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    if application.submitted_at is None:
        return redirect(_url("review", application))
    return render(request, "applications/apply/submitted.html", {"application": application})


@citizen_page
def receipt(request, application_id):
    """The receipt PDF, as the API's ``ReceiptView`` gives it (``receipt_for``)."""
    application = application_get_for_owner(user=request.user, public_id=application_id)
    try:
        pdf = receipt_for(application=application)
    except Problem:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{application.reference}.pdf"'
    return response
