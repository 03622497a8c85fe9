from django.contrib import admin

from casework.models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["jobcenter", "team", "is_default", "surname_from", "surname_to", "position"]
    list_filter = ["jobcenter"]
