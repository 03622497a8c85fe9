"""Reading an application costs the same number of queries however big the household is."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import AssetEntry, Document, HouseholdMember, IncomeEntry
from tests.applications.conftest import api_url
from tests.applications.factories import ApplicationFactory, DocumentRequestFactory


def grow(application, n: int) -> None:
    """``n`` more people, each with income, an asset, an upload and an upload answering a request."""
    for i in range(n):
        member = HouseholdMember.objects.create(
            application=application, relationship="child", position=10 + i, first_name=f"Kind {i}"
        )
        IncomeEntry.objects.create(application=application, member=member, kind="child_benefit")
        AssetEntry.objects.create(application=application, member=member, kind="cash")
        request = DocumentRequestFactory(application=application)
        for document_request in (None, request):
            Document.objects.create(
                application=application,
                storage_name=f"documents/{member.public_id}-{bool(document_request)}.pdf",
                original_name="a.pdf",
                size=1,
                sha256="0" * 64,
                document_request=document_request,
            )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    "name", ["application-detail", "household", "income", "assets", "checklist", "documents", "document-requests"]
)
def test_it_reads_an_application_in_a_fixed_number_of_queries(citizen_api, citizen, jobcenter, name):
    application = ApplicationFactory(applicant=citizen, jobcenter=jobcenter, lodged=True)
    url = api_url(name, application.public_id)
    grow(application, 1)
    small = queries_for(citizen_api, url)

    grow(application, 4)

    assert queries_for(citizen_api, url) == small
