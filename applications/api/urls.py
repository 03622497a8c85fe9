from django.urls import path

from applications.api import views

app_name = "applications_api"

A = "applications/<uuid:application_id>/"

urlpatterns = [
    path("applications/", views.ApplicationList.as_view(), name="application-list"),
    path(A, views.ApplicationDetail.as_view(), name="application-detail"),
    path(A + "lodge/", views.LodgeView.as_view(), name="lodge"),
    path(A + "submit/", views.SubmitView.as_view(), name="submit"),
    path(A + "withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path(A + "receipt.pdf", views.ReceiptView.as_view(), name="receipt"),
    path(A + "timeline/", views.TimelineView.as_view(), name="timeline"),
    # form sections
    path(A + "personal/", views.PersonalView.as_view(), name="personal"),
    path(A + "household/", views.HouseholdList.as_view(), name="household"),
    path(A + "household/<uuid:member_id>/", views.MemberDetail.as_view(), name="member"),
    path(A + "housing/", views.HousingView.as_view(), name="housing"),
    path(A + "income/", views.IncomeSection.as_view(), name="income"),
    path(A + "income/entries/", views.IncomeEntryList.as_view(), name="income-entries"),
    path(A + "income/entries/<uuid:entry_id>/", views.IncomeEntryDetail.as_view(), name="income-entry"),
    path(A + "assets/", views.AssetsSection.as_view(), name="assets"),
    path(A + "assets/entries/", views.AssetEntryList.as_view(), name="asset-entries"),
    path(A + "assets/entries/<uuid:entry_id>/", views.AssetEntryDetail.as_view(), name="asset-entry"),
    path(A + "health-insurance/", views.HealthInsuranceList.as_view(), name="health-insurance"),
    path(
        A + "health-insurance/<uuid:member_id>/",
        views.HealthInsuranceDetail.as_view(),
        name="health-insurance-member",
    ),
    path(A + "bank-account/", views.BankAccountView.as_view(), name="bank-account"),
    # evidence
    path(A + "checklist/", views.ChecklistView.as_view(), name="checklist"),
    path(A + "documents/", views.DocumentList.as_view(), name="documents"),
    path(A + "documents/<uuid:document_id>/", views.DocumentDetail.as_view(), name="document"),
    path(A + "documents/<uuid:document_id>/file/", views.DocumentFile.as_view(), name="document-file"),
    path(A + "document-requests/", views.DocumentRequestList.as_view(), name="document-requests"),
    path(A + "document-requests/<uuid:request_id>/", views.DocumentRequestDetail.as_view(), name="document-request"),
    # Postfach
    path(A + "messages/", views.MessageList.as_view(), name="messages"),
    path(A + "messages/read/", views.MessagesRead.as_view(), name="messages-read"),
]
