"""Who may open a page: the API's permission classes, applied to a page.

One rule for the API and the pages: a page decorator calls the same permission
class the API's view names (``portal/api/permissions.py``), so the role and the
second factor (staff roles always; citizens whose Jobcenter requires one after
its grace days, ``portal/mfa.py``) are decided in one place.

- anonymous: to the login page with ``?next=`` (the API answers 401);
- a citizen whose grace period is over: to the second-factor page with the
  notice (the API answers ``403 mfa_required``);
- any other refusal (another role, a staff role without a second factor in this
  session): the 403 page with the API's reason (the API answers 403); a client
  that asks for JSON gets the portal's 403 problem (``portal/views.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from rest_framework.exceptions import APIException

from portal.api.permissions import IsAuthenticatedWithRoleMFA, IsCitizen
from portal.mfa import mfa_setup_notice, mfa_setup_pending


def page_for(permission: type[IsAuthenticatedWithRoleMFA]) -> Callable:
    """A decorator for page views that lets in whom ``permission`` lets into the API."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                allowed = permission().has_permission(request, None)
            except APIException as refusal:
                pending = mfa_setup_pending(getattr(request, "session", None), request.user)
                if pending is not None and pending.overdue:
                    messages.warning(request, mfa_setup_notice(pending))
                    return redirect("mfa_index")
                if not request.accepts("text/html"):  # a client that asked for JSON: the portal's 403 problem
                    raise PermissionDenied(str(refusal.detail)) from None
                return render(request, "portal/refused.html", {"detail": refusal.detail}, status=403)
            if not allowed:  # not raised: only for the anonymous, handled above
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# The citizen's pages (as ``IsCitizen`` in the API).
citizen_page = page_for(IsCitizen)
# Pages for anyone logged in (as the API's default ``IsAuthenticatedWithRoleMFA``).
member_page = page_for(IsAuthenticatedWithRoleMFA)
