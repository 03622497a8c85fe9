from django.contrib import admin

from casework.models import RoutingRule
from casework.services import routing_rules_changed


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Routing rules are edited here; every change routes the cases that wait for a team."""

    list_display = ["jobcenter", "team", "is_default", "surname_from", "surname_to", "position"]
    list_filter = ["jobcenter"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        routing_rules_changed(jobcenter_id=obj.jobcenter_id)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        routing_rules_changed(jobcenter_id=obj.jobcenter_id)

    def delete_queryset(self, request, queryset) -> None:
        jobcenter_ids = set(queryset.values_list("jobcenter_id", flat=True))
        super().delete_queryset(request, queryset)
        for jobcenter_id in jobcenter_ids:
            routing_rules_changed(jobcenter_id=jobcenter_id)
