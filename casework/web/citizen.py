"""The citizen's decision page and the notice as PDF: the same selector and file
as the API's ``CitizenDecision`` and ``CitizenDecisionDocument``."""

from __future__ import annotations

from django.shortcuts import render

from casework.api.views import decision_file_response
from casework.selectors import decision_for_citizen
from portal.audit import AuditAction
from portal.web.access import citizen_page


@citizen_page
def decision(request, application_id):
    """Outcome, period and amounts as the API's citizen view shows them (404 for strangers
    and while there is no decision)."""
    found = decision_for_citizen(user=request.user, public_id=application_id)
    return render(request, "casework/citizen/decision.html", {"decision": found, "application": found.application})


@citizen_page
def decision_notice(request, application_id):
    """The notice's bytes as stored; the download is recorded (as the API records it)."""
    found = decision_for_citizen(
        user=request.user, public_id=application_id, action=AuditAction.DECISION_DOCUMENT_DOWNLOAD
    )
    return decision_file_response(found)
