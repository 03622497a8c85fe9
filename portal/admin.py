from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.constants import Role
from portal.mfa import jobcenter_citizen_mfa_update
from portal.models import AccessibilityFeedback, AuditEvent, Jobcenter, JobcenterText, Location, Team, User


@admin.register(JobcenterText)
class JobcenterTextAdmin(admin.ModelAdmin):
    """Address, opening hours, contact and the legal pages, in German with English and Ukrainian.

    Its own list rather than an inline on the Jobcenter: the Jobcenter form stays a
    plain form (its second-factor rule is saved through a service).
    """

    list_display = ["kind", "jobcenter", "updated_at"]
    list_filter = ["jobcenter", "kind"]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """Barrier reports (BITV 2.0 §7): read here, answered by e-mail outside the portal."""

    list_display = ["created_at", "jobcenter", "name", "email"]
    list_filter = ["jobcenter"]
    readonly_fields = ["jobcenter", "name", "email", "message", "language", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Jobcenter)
class JobcenterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "reference_prefix", "citizen_mfa_required", "citizen_mfa_grace_days"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "email", "phone", "reference_prefix")}),
        (
            _("Second factor for citizens"),
            {"fields": ("citizen_mfa_required", "citizen_mfa_grace_days", "citizen_mfa_required_since")},
        ),
    )
    readonly_fields = ("citizen_mfa_required_since",)

    def save_model(self, request, obj, form, change):
        """The second-factor rule goes through its service (start of the grace period, audit)."""
        mfa_fields = {"citizen_mfa_required", "citizen_mfa_grace_days"}
        if not change or not mfa_fields.intersection(form.changed_data):
            if not change and obj.citizen_mfa_required:
                obj.citizen_mfa_required_since = timezone.now()
            super().save_model(request, obj, form, change)
            return
        required, grace_days = obj.citizen_mfa_required, obj.citizen_mfa_grace_days
        saved = Jobcenter.objects.get(pk=obj.pk)
        obj.citizen_mfa_required = saved.citizen_mfa_required
        obj.citizen_mfa_grace_days = saved.citizen_mfa_grace_days
        obj.citizen_mfa_required_since = saved.citizen_mfa_required_since
        super().save_model(request, obj, form, change)
        updated = jobcenter_citizen_mfa_update(
            jobcenter=obj, required=required, grace_days=grace_days, actor=request.user
        )
        obj.citizen_mfa_required = updated.citizen_mfa_required
        obj.citizen_mfa_grace_days = updated.citizen_mfa_grace_days
        obj.citizen_mfa_required_since = updated.citizen_mfa_required_since


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jobcenter"]
    list_filter = ["jobcenter", "kind"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "jobcenter"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "jobcenter", "is_active"]
    list_filter = ["groups", "jobcenter", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (_("Organisation"), {"fields": ("jobcenter", "teams")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups", "teams")

    def get_readonly_fields(self, request, obj=None):
        # Only an admin may hand out roles (a staff role opens social data).
        if request.user.is_superuser or request.user.has_role(Role.ADMIN):
            return ()
        return ("groups", "is_staff", "is_superuser", "jobcenter", "teams")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "object_type", "object_id", "actor_role"]
    list_filter = ["action", "object_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
