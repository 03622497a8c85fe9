"""The citizen's application pages. Three modules, one per part of the journey:
``apply`` (secure the date, the steps, review, submit), ``documents`` (evidence
checklist, uploads, answering a document request) and ``follow`` (the application's
page, Postfach, decision, withdraw, delete a draft)."""

from django.urls import path

from applications.web import apply, documents, follow

app_name = "applications_web"

A = "applications/<uuid:application_id>/"

urlpatterns = [
    # follow
    path("applications/", follow.application_list, name="list"),
    path(A, follow.application_detail, name="detail"),  # the link in our e-mails
    path(A + "messages/", follow.messages, name="messages"),
    path(A + "withdraw/", follow.withdraw, name="withdraw"),
    path(A + "delete/", follow.delete_draft, name="delete"),
    # apply
    path("applications/new/", apply.start, name="start"),
    path(A + "apply/", apply.secured, name="secured"),
    path(A + "apply/<slug:step>/", apply.step, name="step"),
    path(A + "review/", apply.review, name="review"),
    path(A + "submit/", apply.submit, name="submit"),
    path(A + "submitted/", apply.submitted, name="submitted"),
    path(A + "receipt.pdf", apply.receipt, name="receipt"),
    # documents
    path(A + "evidence/", documents.evidence, name="evidence"),
    path(A + "documents/<uuid:document_id>/", documents.document_file, name="document"),
    path(A + "documents/<uuid:document_id>/delete/", documents.document_delete, name="document-delete"),
    path(A + "requests/<uuid:request_id>/", documents.request_answer, name="request"),
]
