from django.contrib import admin

from casework.models import CounsellorClient, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["jobcenter", "team", "is_default", "surname_from", "surname_to", "position"]
    list_filter = ["jobcenter"]


@admin.register(CounsellorClient)
class CounsellorClientAdmin(admin.ModelAdmin):
    list_display = ["counsellor", "citizen", "created_at"]
    raw_id_fields = ["counsellor", "citizen"]
