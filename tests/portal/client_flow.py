"""The citizen flow, written against a client that openapi-python-client generated
from our schema (``jc_client``). ``tests/portal/test_generated_client.py`` generates
the client, type-checks this file against it with mypy and runs it against a live
server: if the schema lies about a shape, mypy or the run fails.

Usage: ``python client_flow.py BASE_URL EMAIL PASSWORD``; prints ``submitted <reference>``.
"""

from __future__ import annotations

import datetime
import io
import sys
import uuid

import httpx
from jc_client import AuthenticatedClient
from jc_client.api.applications import (
    applications_assets_partial_update as assets,
)
from jc_client.api.applications import (
    applications_bank_account_partial_update as bank_account,
)
from jc_client.api.applications import (
    applications_create,
    applications_documents_create,
    applications_household_retrieve,
    applications_receipt_pdf_retrieve,
    applications_submit_create,
)
from jc_client.api.applications import (
    applications_health_insurance_partial_update as health_insurance,
)
from jc_client.api.applications import (
    applications_housing_partial_update as housing,
)
from jc_client.api.applications import (
    applications_income_partial_update as income,
)
from jc_client.api.applications import (
    applications_personal_partial_update as personal,
)
from jc_client.api.me import me_retrieve
from jc_client.models import (
    ApplicationOut,
    CreateInRequest,
    DocumentInRequest,
    HealthInsuranceInKindEnum,
    HousingTypeEnum,
    MaritalStatusEnum,
    PatchedAssetsFlagInRequest,
    PatchedBankAccountInRequest,
    PatchedHealthInsuranceInRequest,
    PatchedHousingInRequest,
    PatchedIncomeFlagInRequest,
    PatchedPersonalInRequest,
)
from jc_client.types import File

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def session_token(base_url: str, email: str, password: str) -> str:
    """allauth's app login (not part of our schema: allauth documents its own API)."""
    response = httpx.post(f"{base_url}/_allauth/app/v1/auth/login", json={"email": email, "password": password})
    response.raise_for_status()
    token: str = response.json()["meta"]["session_token"]
    return token


def flow(base_url: str, email: str, password: str) -> ApplicationOut:
    client = AuthenticatedClient(
        base_url=base_url,
        token=session_token(base_url, email, password),
        prefix="",
        auth_header_name="X-Session-Token",
        raise_on_unexpected_status=True,
    )
    me = me_retrieve.sync(client=client)
    assert me is not None and me.email == email

    draft = applications_create.sync(client=client, body=CreateInRequest(lodge=True))
    assert draft is not None and draft.reference, "lodging secures the date and gives a reference"
    app_id = draft.id

    saved_personal = personal.sync(
        app_id,
        client=client,
        body=PatchedPersonalInRequest(
            first_name="Олена",
            last_name="Коваленко",
            birth_date=datetime.date(1988, 5, 17),
            birth_place="Київ",
            nationality="UA",
            marital_status=MaritalStatusEnum.SINGLE,
            street="Marktstraße 1",
            postcode="67655",
            city="Kaiserslautern",
        ),
    )
    assert saved_personal is not None and saved_personal.last_name == "Коваленко"
    saved_housing = housing.sync(
        app_id,
        client=client,
        body=PatchedHousingInRequest(
            housing_type=HousingTypeEnum.RENT,
            floor_area_m2="48.50",
            persons=1,
            base_rent="420.00",
            service_charges="110.00",
            heating_costs="75.00",
        ),
    )
    assert saved_housing is not None and saved_housing.base_rent == "420.00"
    assert income.sync(app_id, client=client, body=PatchedIncomeFlagInRequest(has_income=False)) is not None
    assert assets.sync(app_id, client=client, body=PatchedAssetsFlagInRequest(has_assets=False)) is not None
    saved_bank = bank_account.sync(
        app_id,
        client=client,
        body=PatchedBankAccountInRequest(iban="DE89 3704 0044 0532 0130 00", account_holder="Olena Kovalenko"),
    )
    assert saved_bank is not None
    household = applications_household_retrieve.sync(app_id, client=client)
    assert household is not None and len(household.members) == 1
    applicant = household.members[0]
    insured = health_insurance.sync(
        app_id,
        applicant.id,
        client=client,
        body=PatchedHealthInsuranceInRequest(kind=HealthInsuranceInKindEnum.STATUTORY, insurer="AOK"),
    )
    assert insured is not None and insured.insurer == "AOK"

    document = applications_documents_create.sync(
        app_id,
        client=client,
        body=DocumentInRequest(
            file=File(payload=io.BytesIO(PDF), file_name="Ausweis.pdf", mime_type="application/pdf")
        ),
    )
    assert document is not None and document.id

    submitting = client.with_headers({"Idempotency-Key": str(uuid.uuid4())})
    submitted = applications_submit_create.sync(app_id, client=submitting)
    assert submitted is not None and submitted.status == "submitted", submitted
    assert submitted.submitted_at is not None and not submitted.missing

    receipt = applications_receipt_pdf_retrieve.sync_detailed(app_id, client=client)
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF"), receipt.status_code
    return submitted


if __name__ == "__main__":
    result = flow(*sys.argv[1:4])
    print(f"submitted {result.reference}")
