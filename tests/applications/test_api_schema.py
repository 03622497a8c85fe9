"""Every operation of the citizen's application API documents what it answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

UNTYPED = {("/api/v1/me/data-export/", "get")}  # the Art. 15 export moves to portal (issue 14)


def test_it_gives_every_success_response_a_concrete_schema(client):
    from applications.api.urls import urlpatterns

    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    own = {"/api/v1/" + str(p.pattern).replace("<uuid:", "{").replace(">", "}") for p in urlpatterns}
    checked, untyped = 0, []
    for path, operations in schema["paths"].items():
        if path not in own:
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "patch", "put", "delete"} or (path, method) in UNTYPED:
                continue
            checked += 1
            for code, response in operation["responses"].items():
                if not code.startswith("2"):
                    continue
                if code == "204":
                    assert "content" not in response, (path, method)
                    continue
                for media_type, content in response["content"].items():
                    body = content["schema"]
                    if not ({"$ref", "properties"} & set(body) or body.get("format") == "binary"):
                        untyped.append(f"{method.upper()} {path} {code} {media_type}")
    assert checked >= 40
    assert untyped == []


def _json_schema(node, components: dict):
    """An OpenAPI 3.0 schema as plain JSON Schema: references inlined, ``nullable`` as a null type."""
    if isinstance(node, list):
        return [_json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(components[node["$ref"].rsplit("/", 1)[1]], components)
    out = {key: _json_schema(value, components) for key, value in node.items() if key not in {"nullable", "readOnly"}}
    return {"anyOf": [out, {"type": "null"}]} if node.get("nullable") else out


def test_it_answers_as_its_schema_says_through_a_whole_application(client, citizen_api, draft):
    """A citizen's way from draft to submission, each success body checked against the schema."""
    from jsonschema import Draft7Validator

    from tests.applications.conftest import PDF_BYTES, api_url, fill_through_api, upload

    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    app_id = draft["id"]
    fill_through_api(citizen_api, app_id)
    child = citizen_api.post(
        api_url("household", app_id),
        {"relationship": "child", "first_name": "Mia", "last_name": "K", "birth_date": "2019-04-01"},
        format="json",
    ).json()["id"]
    citizen_api.patch(
        api_url("health-insurance-member", app_id, member_id=child), {"kind": "family", "insurer": "AOK"}, format="json"
    )
    citizen_api.patch(api_url("income", app_id), {"has_income": True}, format="json")
    income = citizen_api.post(
        api_url("income-entries", app_id),
        {"member": child, "kind": "child_benefit", "gross_monthly": "255.00"},
        format="json",
    ).json()["id"]
    document = citizen_api.post(
        api_url("documents", app_id), {"file": upload("Ausweis.pdf", PDF_BYTES)}, format="multipart"
    ).json()["id"]
    citizen_api.post(api_url("lodge", app_id))
    calls = [
        ("get", "/api/v1/applications/", api_url("application-list")),
        ("get", "/api/v1/applications/{application_id}/", api_url("application-detail", app_id)),
        ("get", "/api/v1/applications/{application_id}/personal/", api_url("personal", app_id)),
        ("get", "/api/v1/applications/{application_id}/household/", api_url("household", app_id)),
        (
            "get",
            "/api/v1/applications/{application_id}/household/{member_id}/",
            api_url("member", app_id, member_id=child),
        ),
        ("get", "/api/v1/applications/{application_id}/housing/", api_url("housing", app_id)),
        ("get", "/api/v1/applications/{application_id}/income/", api_url("income", app_id)),
        (
            "get",
            "/api/v1/applications/{application_id}/income/entries/{entry_id}/",
            api_url("income-entry", app_id, entry_id=income),
        ),
        ("get", "/api/v1/applications/{application_id}/assets/", api_url("assets", app_id)),
        ("get", "/api/v1/applications/{application_id}/health-insurance/", api_url("health-insurance", app_id)),
        ("get", "/api/v1/applications/{application_id}/bank-account/", api_url("bank-account", app_id)),
        ("get", "/api/v1/applications/{application_id}/checklist/", api_url("checklist", app_id)),
        ("get", "/api/v1/applications/{application_id}/documents/", api_url("documents", app_id)),
        (
            "get",
            "/api/v1/applications/{application_id}/documents/{document_id}/",
            api_url("document", app_id, document_id=document),
        ),
        ("get", "/api/v1/applications/{application_id}/document-requests/", api_url("document-requests", app_id)),
        ("post", "/api/v1/applications/{application_id}/submit/", api_url("submit", app_id)),
        ("get", "/api/v1/applications/{application_id}/timeline/", api_url("timeline", app_id)),
        ("post", "/api/v1/applications/{application_id}/messages/", api_url("messages", app_id)),
        ("get", "/api/v1/applications/{application_id}/messages/", api_url("messages", app_id)),
        ("post", "/api/v1/applications/{application_id}/messages/read/", api_url("messages-read", app_id)),
    ]
    for method, path, url in calls:
        body = {"body": "Guten Tag"} if path.endswith("/messages/") and method == "post" else None
        response = getattr(citizen_api, method)(url, body, format="json")
        assert response.status_code in (200, 201), (path, response.content)
        declared = schema["paths"][path][method]["responses"][str(response.status_code)]
        body_schema = _json_schema(declared["content"]["application/json"]["schema"], components)
        errors = [error.message for error in Draft7Validator(body_schema).iter_errors(response.json())]
        assert errors == [], (method, path, errors)
