from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tests.factories import JobcenterFactory

# The smallest files filetype recognises by content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def api_url(name: str, application_id=None, **kw) -> str:
    if application_id is not None:
        kw["application_id"] = application_id
    return reverse(f"applications_api:{name}", kwargs=kw)


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def jobcenter(db):
    return JobcenterFactory(name="Jobcenter Kaiserslautern", slug="kaiserslautern", reference_prefix="KL")


@pytest.fixture
def draft(citizen_api, jobcenter):
    """A new draft created through the API; returns its JSON."""
    response = citizen_api.post(api_url("application-list"), {}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def fill_through_api(client, app_id: str) -> None:
    """Fill every section as a citizen would (single renter, no income, no assets)."""
    ok = [
        client.patch(
            api_url("personal", app_id),
            {
                "first_name": "Олена",
                "last_name": "Коваленко",
                "birth_date": "1988-05-17",
                "birth_place": "Київ",
                "nationality": "UA",
                "marital_status": "single",
                "street": "Marktstraße 1",
                "postcode": "67655",
                "city": "Kaiserslautern",
            },
            format="json",
        ),
        client.patch(
            api_url("housing", app_id),
            {
                "housing_type": "rent",
                "floor_area_m2": "48.50",
                "persons": 1,
                "base_rent": "420.00",
                "service_charges": "110.00",
                "heating_costs": "75.00",
            },
            format="json",
        ),
        client.patch(api_url("income", app_id), {"has_income": False}, format="json"),
        client.patch(api_url("assets", app_id), {"has_assets": False}, format="json"),
        client.patch(
            api_url("bank-account", app_id),
            {"iban": "DE89 3704 0044 0532 0130 00", "account_holder": "Olena Kovalenko"},
            format="json",
        ),
    ]
    applicant = client.get(api_url("household", app_id)).json()["members"][0]["id"]
    ok.append(
        client.patch(
            api_url("health-insurance-member", app_id, member_id=applicant),
            {"kind": "statutory", "insurer": "AOK"},
            format="json",
        )
    )
    for response in ok:
        assert response.status_code == 200, response.json()
        assert response.json()["rejected"] == {}, response.json()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
