from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False  # named explicitly in INSTALLED_APPS
    default_site = "portal.admin_site.PortalAdminSite"
