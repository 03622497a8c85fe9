from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from portal.accounts import on_authenticator_added

        authenticator_added.connect(on_authenticator_added, dispatch_uid="portal_mfa_setup_record")

        from django.db.backends.signals import connection_created

        from portal.database import bound_new_connection

        connection_created.connect(bound_new_connection, dispatch_uid="portal.database.bound_new_connection")


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False  # named explicitly in INSTALLED_APPS
    default_site = "portal.admin_site.PortalAdminSite"
