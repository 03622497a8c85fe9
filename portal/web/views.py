"""The public pages every visitor sees: start page, legal pages, Leichte Sprache,
and the language switch. Each app's own pages live in its ``web/`` package."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from rest_framework.renderers import JSONRenderer

from portal.api.problems import PreconditionFailed, Problem
from portal.constants import Role
from portal.export import personal_data_export
from portal.models import JobcenterTextKind, User
from portal.services import accessibility_feedback_submit, user_profile_update
from portal.web.access import citizen_page, member_page
from portal.web.forms import AccessibilityFeedbackForm, AccountProfileForm
from portal.web.overview import panels_for
from portal.web.tenant import page_jobcenter_get, page_texts_get

# Barrier reports per client address and hour; more are refused with a message.
FEEDBACK_LIMIT = 5
FEEDBACK_WINDOW = 60 * 60


def home(request):
    return render(request, "portal/home.html")


def leichte_sprache(request):
    return render(request, "portal/leichte_sprache.html")


def _text_page(request, kind: JobcenterTextKind, title: str, template: str = "portal/text_page.html", **context):
    """A page showing one of the Jobcenter's texts (``JobcenterText``) in the current language."""
    texts = page_texts_get(jobcenter=page_jobcenter_get(), language=get_language() or "de")
    return render(request, template, {"text": texts.get(kind.value), "title": title, **context})


def impressum(request):
    return _text_page(request, JobcenterTextKind.IMPRESSUM, _("Legal notice"))


def privacy(request):
    return _text_page(request, JobcenterTextKind.PRIVACY, _("Privacy policy"))


def _feedback_allowed(request) -> bool:
    """Count one report for the client's address; False past the hourly limit.

    The address as allauth's login limits see it (its adapter knows the proxies
    this deployment trusts), so both limits count the same client.
    """
    key = f"web:feedback:{get_adapter(request).get_client_ip(request)}"
    cache.add(key, 0, FEEDBACK_WINDOW)
    try:
        return cache.incr(key) <= FEEDBACK_LIMIT
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FEEDBACK_WINDOW)
        return True


def accessibility(request):
    """The accessibility statement with its feedback form (BITV 2.0 §7), post/redirect/get."""
    form = AccessibilityFeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        jobcenter = page_jobcenter_get()
        if jobcenter is None:
            raise Http404
        if not _feedback_allowed(request):
            form.add_error(None, _("You have sent several messages in a short time. Please try again in an hour."))
            status = 429
        else:
            accessibility_feedback_submit(
                jobcenter=jobcenter,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                language=get_language() or "",
            )
            messages.success(request, _("Thank you. Your message has been sent to the Jobcenter."))
            # No fragment: the confirmation is at the top of the page.
            return redirect("web:accessibility")
    elif request.method == "POST":
        status = 400
    response = _text_page(
        request, JobcenterTextKind.ACCESSIBILITY, _("Accessibility statement"), "portal/accessibility.html", form=form
    )
    response.status_code = status
    return response


@require_POST
def language(request):
    """Django's ``set_language`` (session and cookie), and for a logged-in person
    the choice kept on the account too, so that e-mails and other devices follow it."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    if request.user.is_authenticated and chosen in dict(settings.LANGUAGES):
        user_profile_update(user=request.user, actor=request.user, changes={"preferred_language": chosen})
    return response


# Where the people who are not citizens work (after login, ``LOGIN_REDIRECT_URL`` is the overview).
WORKPLACES = ((Role.STAFF, "casework_web:queue"), (Role.TEAM_LEAD, "casework_web:queue"),
              (Role.COUNSELLOR, "appointments_web:counsel-agenda"))  # fmt: skip


@member_page
def overview(request):
    """The page after login: each app's panel (``portal/web/overview.py``), in order,
    each rendered with the context its app gave (the keys are the template's variables).
    Staff and counsellors are sent on to where they work."""
    if not request.user.has_role(Role.CITIZEN):
        for role, page in WORKPLACES:
            if request.user.has_role(role):
                return redirect(page)
    panels = [render_to_string(template, context, request=request) for template, context in panels_for(request)]
    return render(request, "portal/overview.html", {"panels": panels})


@member_page
def account(request):
    """The account page: the profile through ``user_profile_update`` (as ``PATCH /api/v1/me/``),
    links to allauth's pages (e-mail, password, second factor) and the data export (Art. 15)."""
    user = request.user
    form = AccountProfileForm.for_user(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_profile_update(
                user=user, actor=user, changes=form.changes(), if_match=form.cleaned_data["version"]
            )
        except PreconditionFailed:
            # Keep what the person changed, show the rest as saved now, with the current version.
            form = form.rebased(User.objects.get(pk=user.pk))
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Your account was changed meanwhile (perhaps on another device). Please check the values and save again."
                ),
            )
        except Problem as problem:
            form.add_error(None, str(problem.detail))
        else:
            with translation.override(user.preferred_language):
                messages.success(request, _("Your changes have been saved."))
            response = redirect("web:account")
            # The page follows the language chosen here, as it does after the language switch.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax")
            return response
    context = {"form": form, "is_citizen": user.has_role(Role.CITIZEN)}
    return render(request, "portal/account.html", context, status=400 if form.is_bound else 200)


@citizen_page
def account_data_export(request):
    """Everything stored about the citizen as a JSON download (Art. 15 DSGVO): the same
    export, audit event and file as ``GET /api/v1/me/data-export/``."""
    body = JSONRenderer().render(personal_data_export(user=request.user))
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response
