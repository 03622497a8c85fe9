"""The OpenAPI schema and Swagger UI, which production can switch off."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_openapi_schema(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/me/"])
    assert schema["components"]["securitySchemes"]["sessionToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Session-Token",
    }


def test_it_serves_swagger_ui_from_our_own_origin(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


def test_it_hides_the_docs_when_switched_off(client, settings):
    settings.API_DOCS_ENABLED = False
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_it_serves_allauths_api_description_self_hosted(client):
    page = client.get("/_allauth/openapi.html")
    assert page.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page.content
    assert b"cdn" not in page.content.lower()
    spec = client.get("/_allauth/openapi.json")
    assert spec.status_code == 200
    assert "/_allauth/{client}/v1/auth/login" in spec.json()["paths"]


# The operations of portal and video (the feature apps describe their own).
TYPED_OPERATIONS = {
    ("get", "/api/v1/me/", "200"): "MeOut",
    ("patch", "/api/v1/me/", "200"): "MeOut",
    ("get", "/api/v1/me/data-export/", "200"): "PersonalDataExportOut",
    ("get", "/api/v1/locations/", "200"): "PaginatedLocationOutList",
    ("get", "/api/v1/audit-events/", "200"): "PaginatedAuditEventOutList",
    ("get", "/api/v1/appointments/{public_id}/video/", "200"): "RoomTicketOut",
    ("get", "/api/v1/appointments/{public_id}/video/guests/", "200"): "GuestListItemOut[]",
    ("post", "/api/v1/appointments/{public_id}/video/guests/", "201"): "GuestForCounsellorOut",
    ("post", "/api/v1/video/check/", "201"): "CheckStartedOut",
    ("get", "/api/v1/video/check/{check_id}/", "200"): "CheckResultOut",
    ("delete", "/api/v1/video/check/{check_id}/", "200"): "CheckResultOut",
}


def _component_name(schema: dict) -> str:
    if schema.get("type") == "array":
        return _component_name(schema["items"]) + "[]"
    return schema["$ref"].rsplit("/", 1)[-1]


def test_it_types_every_success_response_of_portal_and_video(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    for (method, path, status), name in TYPED_OPERATIONS.items():
        response = schema["paths"][path][method]["responses"][status]
        got = _component_name(response["content"]["application/json"]["schema"])
        assert got == name, (method, path)
        assert components[got.removesuffix("[]")]["properties"], name
    me = components["MeOut"]["properties"]
    assert me["jobcenter"]["allOf"][0]["$ref"].endswith("JobcenterRefOut")
    assert components["AuditEventOut"]["properties"]["object_type"]["$ref"].endswith("ObjectTypeEnum")
    export = components["PersonalDataExportOut"]["properties"]
    assert {"account", "applications", "appointments"} <= set(export)
