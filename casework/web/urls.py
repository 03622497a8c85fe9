"""Casework pages: the citizen's view of the decision (``citizen``) and the staff
workbench (``views``: queue, case, actions)."""

from django.urls import path

from casework.web import citizen, dashboard, views

app_name = "casework_web"

urlpatterns = [
    # citizen: the decision on their application (the notice PDF as the API serves it)
    path("applications/<uuid:application_id>/decision/", citizen.decision, name="decision"),
    path("applications/<uuid:application_id>/decision/notice.pdf", citizen.decision_notice, name="decision-notice"),
    # staff workbench
    path("workbench/", views.queue, name="queue"),
    path("workbench/cases/<uuid:application_id>/", views.case, name="case"),
    # team lead dashboard
    path("workbench/dashboard/", dashboard.dashboard, name="dashboard"),
    path("workbench/dashboard/<slug:table>.csv", dashboard.dashboard_csv, name="dashboard-csv"),
]
