"""The admin site: logged in through allauth, entered only with a second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from portal.api.permissions import session_used_mfa


class PortalAdminSite(admin.AdminSite):
    site_header = _("Jobcenter digital administration")
    site_title = _("Jobcenter digital")

    def has_permission(self, request) -> bool:
        # Whoever enters the admin site can reach social data and hand out roles.
        return super().has_permission(request) and session_used_mfa(request.session, request.user)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        """Never show Django's own login form: it has neither allauth's rate
        limits nor the second factor. allauth's login page does both."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        raise PermissionDenied(_("The admin site needs a staff account and a login with the second factor."))
