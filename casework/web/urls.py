"""Casework pages: the citizen's view of the decision (``citizen``) and the staff
workbench (``views``: queue, case, actions)."""

from django.urls import path

from casework.web import citizen, dashboard, views

app_name = "casework_web"

CASE = "workbench/cases/<uuid:application_id>/"

urlpatterns = [
    # citizen: the decision on their application (the notice PDF as the API serves it)
    path("applications/<uuid:application_id>/decision/", citizen.decision, name="decision"),
    path("applications/<uuid:application_id>/decision/notice.pdf", citizen.decision_notice, name="decision-notice"),
    # staff workbench
    path("workbench/", views.queue, name="queue"),
    path("workbench/claim-next/", views.claim_next, name="claim-next"),
    path("workbench/cases/<uuid:application_id>/", views.case, name="case"),
    path(f"{CASE}documents/<uuid:document_id>/", views.document, name="document"),
    path(f"{CASE}assign-to-me/", views.assign_to_me, name="assign-to-me"),
    path(f"{CASE}release/", views.release, name="release"),
    path(f"{CASE}hand-over/", views.hand_over, name="hand-over"),
    path(f"{CASE}document-requests/", views.request_documents, name="request-documents"),
    path(f"{CASE}document-requests/<uuid:request_id>/accept/", views.accept_request, name="accept-request"),
    path(f"{CASE}document-requests/<uuid:request_id>/reject/", views.reject_request, name="reject-request"),
    path(f"{CASE}review/", views.resume_review, name="resume-review"),
    path(f"{CASE}decision/", views.decide, name="decide"),
    path(f"{CASE}notes/", views.add_note, name="add-note"),
    path(f"{CASE}messages/", views.send_message, name="send-message"),
    # team lead dashboard
    path("workbench/dashboard/", dashboard.dashboard, name="dashboard"),
    path("workbench/dashboard/<slug:table>.csv", dashboard.dashboard_csv, name="dashboard-csv"),
]
