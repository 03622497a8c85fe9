from django.urls import path

from casework.api import views

app_name = "casework_api"

case = "queue/applications/<uuid:application_id>/"

urlpatterns = [
    path("queue/applications/", views.QueueList.as_view(), name="queue"),
    path("queue/applications/claim-next/", views.ClaimNext.as_view(), name="claim-next"),
    path("queue/unread/", views.UnreadCounts.as_view(), name="unread"),
    path("queue/stats/", views.Stats.as_view(), name="stats"),
    path(case, views.CaseDetail.as_view(), name="case"),
    path(case + "assign/", views.Assign.as_view(), name="assign"),
    path(case + "release/", views.Release.as_view(), name="release"),
    path(case + "hand-over/", views.HandOver.as_view(), name="hand-over"),
    path(case + "transition/", views.Transition.as_view(), name="transition"),
    path(case + "decision/", views.DecisionView.as_view(), name="decision"),
    path(case + "decision/document/", views.DecisionDocument.as_view(), name="decision-document"),
    path(case + "documents/<uuid:document_id>/", views.DocumentDownload.as_view(), name="document"),
    path(case + "document-requests/", views.DocumentRequests.as_view(), name="document-requests"),
    path(
        case + "document-requests/<uuid:request_id>/accept/",
        views.DocumentRequestAccept.as_view(),
        name="document-request-accept",
    ),
    path(
        case + "document-requests/<uuid:request_id>/reject/",
        views.DocumentRequestReject.as_view(),
        name="document-request-reject",
    ),
    path(case + "notes/", views.Notes.as_view(), name="notes"),
    path(case + "messages/", views.Messages.as_view(), name="messages"),
    # The applicant's view of the decision (the citizen side has no decision of its own).
    path("applications/<uuid:application_id>/decision/", views.CitizenDecision.as_view(), name="citizen-decision"),
    path(
        "applications/<uuid:application_id>/decision/document/",
        views.CitizenDecisionDocument.as_view(),
        name="citizen-decision-document",
    ),
]
