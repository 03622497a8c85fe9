"""Saving the form section by section: partial saves, ``missing``, IBAN, amounts."""

from decimal import Decimal

from applications.models import Application, BankAccount, HousingCosts, IncomeEntry
from portal.models import AuditEvent
from tests.applications.conftest import api_url, fill_through_api


def missing_fields(client, app_id) -> set[str]:
    return {gap["field"] for gap in client.get(api_url("application-detail", app_id)).json()["missing"]}


def test_it_keeps_the_valid_fields_and_names_each_rejected_one(citizen_api, draft):
    citizen_api.credentials(HTTP_ACCEPT_LANGUAGE="en")  # asserts the English source text
    response = citizen_api.patch(
        api_url("personal", draft["id"]),
        {
            "birth_place": "Kaiserslautern",
            "birth_date": "31.02.1990",  # not ISO 8601
            "postcode": "6765",  # four digits
            "city": "Kaiserslautern",
            "shoe_size": 42,
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body["rejected"]) == {"birth_date", "postcode", "shoe_size"}
    assert body["rejected"]["postcode"] == ["A German postcode has five digits."]
    assert body["rejected"]["shoe_size"] == ["Unknown field."]
    assert body["birth_place"] == "Kaiserslautern" and body["city"] == "Kaiserslautern"
    assert body["birth_date"] is None and body["postcode"] == ""
    # Saved for real, not just echoed.
    personal = citizen_api.get(api_url("personal", draft["id"])).json()
    assert personal["birth_place"] == "Kaiserslautern" and personal["city"] == "Kaiserslautern"
    event = AuditEvent.objects.get(action="application.update", object_id=draft["id"])
    assert event.data == {"section": "personal", "fields": ["birth_place", "city"]}


def test_it_does_not_overwrite_a_saved_value_with_an_invalid_one(citizen_api, draft):
    citizen_api.patch(api_url("personal", draft["id"]), {"postcode": "67655"}, format="json")

    body = citizen_api.patch(api_url("personal", draft["id"]), {"postcode": "ABCDE"}, format="json").json()

    assert "postcode" in body["rejected"]
    assert body["postcode"] == "67655"


def test_it_shrinks_missing_as_sections_are_filled(citizen_api, draft):
    app_id = draft["id"]
    start = missing_fields(citizen_api, app_id)
    assert {"personal.birth_date", "housing.housing_type", "income.has_income", "bank_account.iban"} <= start

    citizen_api.patch(api_url("housing", app_id), {"housing_type": "rent"}, format="json")
    after_type = missing_fields(citizen_api, app_id)
    # Renting asks for the rent details instead of the type.
    assert "housing.housing_type" not in after_type
    assert {"housing.base_rent", "housing.service_charges", "housing.heating_costs"} <= after_type

    citizen_api.patch(api_url("income", app_id), {"has_income": True}, format="json")
    assert "income.entries" in missing_fields(citizen_api, app_id)

    fill_through_api(citizen_api, app_id)
    body = citizen_api.get(api_url("application-detail", app_id)).json()
    assert body["missing"] == []
    assert body["actions"]["submit"] is True


def test_it_refuses_an_iban_with_a_wrong_checksum_and_keeps_the_saved_one(citizen_api, draft):
    citizen_api.credentials(HTTP_ACCEPT_LANGUAGE="en")  # asserts the English source text
    good = citizen_api.patch(
        api_url("bank-account", draft["id"]), {"iban": "de89 3704 0044 0532 0130 00"}, format="json"
    ).json()
    assert good["iban"] == "DE89370400440532013000" and good["bic"] == "COBADEFFXXX"

    bad = citizen_api.patch(
        api_url("bank-account", draft["id"]),
        {"iban": "DE88 3704 0044 0532 0130 00", "account_holder": "Olena Kovalenko"},
        format="json",
    ).json()

    assert list(bad["rejected"]) == ["iban"]
    assert "check digits" in bad["rejected"]["iban"][0]
    account = BankAccount.objects.get(application__public_id=draft["id"])
    assert account.iban == "DE89370400440532013000"
    assert account.account_holder == "Olena Kovalenko"


def test_it_stores_amounts_as_decimals_with_two_places(citizen_api, draft):
    body = citizen_api.patch(
        api_url("housing", draft["id"]),
        {"base_rent": "420.5", "service_charges": 0.1 + 0.2, "heating_costs": "-5.00"},
        format="json",
    ).json()

    assert body["base_rent"] == "420.50"
    assert set(body["rejected"]) == {"service_charges", "heating_costs"}
    housing = HousingCosts.objects.get(application__public_id=draft["id"])
    assert housing.base_rent == Decimal("420.50") and housing.service_charges is None


def test_it_derives_the_forms_each_household_member_needs(citizen_api, draft):
    child = citizen_api.post(
        api_url("household", draft["id"]),
        {"relationship": "child", "first_name": "Mila", "last_name": "Kovalenko", "birth_date": "2019-06-01"},
        format="json",
    )
    teenager = citizen_api.post(
        api_url("household", draft["id"]),
        {"relationship": "child", "first_name": "Taras", "birth_date": "2008-01-10", "nationality": "ukr"},
        format="json",
    )
    partner = citizen_api.post(
        api_url("household", draft["id"]), {"relationship": "partner", "birth_date": "1985-02-02"}, format="json"
    )

    assert child.status_code == 201 and child.json()["forms"] == ["KI"]
    assert teenager.json()["forms"] == ["WEP"] and list(teenager.json()["rejected"]) == ["nationality"]
    assert partner.json()["forms"] == ["WEP", "VE"]
    members = citizen_api.get(api_url("household", draft["id"])).json()["members"]
    assert [m["relationship"] for m in members] == ["applicant", "child", "child", "partner"]
    assert members[0]["forms"] == ["HA"]
    assert f"household.{partner.json()['id']}.first_name" in missing_fields(citizen_api, draft["id"])


def test_it_needs_a_relationship_for_a_new_household_member(citizen_api, draft):
    response = citizen_api.post(
        api_url("household", draft["id"]), {"relationship": "applicant", "first_name": "X"}, format="json"
    )
    missing = citizen_api.post(api_url("household", draft["id"]), {"first_name": "X"}, format="json")

    assert response.status_code == 400 and "relationship" in response.json()["errors"]
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["relationship"]


def test_it_keeps_income_per_person_and_kind(citizen_api, draft):
    applicant = citizen_api.get(api_url("household", draft["id"])).json()["members"][0]["id"]

    created = citizen_api.post(
        api_url("income-entries", draft["id"]),
        {"member": applicant, "kind": "employment", "gross_monthly": "1200.00", "net_monthly": "abc"},
        format="json",
    )
    unknown_member = citizen_api.post(
        api_url("income-entries", draft["id"]),
        {"member": "00000000-0000-0000-0000-000000000000", "kind": "pension"},
        format="json",
    )

    assert created.status_code == 201
    assert created.json()["gross_monthly"] == "1200.00" and list(created.json()["rejected"]) == ["net_monthly"]
    assert unknown_member.status_code == 400 and "member" in unknown_member.json()["errors"]
    section = citizen_api.get(api_url("income", draft["id"])).json()
    assert section["has_income"] is True and len(section["entries"]) == 1
    entry_id = created.json()["id"]
    assert f"income.entries.{entry_id}.net_monthly" in missing_fields(citizen_api, draft["id"])

    citizen_api.patch(api_url("income-entry", draft["id"], entry_id=entry_id), {"net_monthly": "950.00"}, format="json")
    assert f"income.entries.{entry_id}.net_monthly" not in missing_fields(citizen_api, draft["id"])
    checklist = citizen_api.get(api_url("checklist", draft["id"])).json()
    assert f"payslips:{applicant}" in {item["key"] for item in checklist["items"]}

    assert citizen_api.delete(api_url("income-entry", draft["id"], entry_id=entry_id)).status_code == 204
    assert not IncomeEntry.objects.exists()


def test_it_refuses_a_stale_if_match(citizen_api, draft):
    url = api_url("housing", draft["id"])
    etag = citizen_api.get(url)["ETag"]
    first = citizen_api.patch(url, {"persons": 2}, format="json", HTTP_IF_MATCH=etag)
    second = citizen_api.patch(url, {"persons": 3}, format="json", HTTP_IF_MATCH=etag)

    assert first.status_code == 200 and first["ETag"] != etag
    assert second.status_code == 412
    assert HousingCosts.objects.get(application__public_id=draft["id"]).persons == 2
    assert Application.objects.get(public_id=draft["id"]).version == draft["version"] + 1


def test_it_refuses_a_body_that_is_not_an_object(citizen_api, draft):
    response = citizen_api.patch(api_url("housing", draft["id"]), ["rent"], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation"
