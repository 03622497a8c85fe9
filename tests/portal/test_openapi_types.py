"""Every success response of the API has a concrete schema: a client generated
from ``/api/v1/schema/`` gets typed models, not "any object"."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

SCALARS = {"string", "integer", "number", "boolean"}


def untyped_responses(schema: dict[str, Any]) -> list[str]:
    """``METHOD path status media-type`` of every 2xx response whose body is an untyped object."""
    components = schema.get("components", {}).get("schemas", {})

    def concrete(node: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return name in seen or concrete(components[name], seen | {name})
        for combinator in ("oneOf", "anyOf", "allOf"):
            if combinator in node:
                return all(concrete(part, seen) for part in node[combinator])
        kind = node.get("type")
        if kind in SCALARS:
            return True
        if kind == "array":
            return concrete(node.get("items", {}), seen)
        if node.get("properties"):
            return True
        extra = node.get("additionalProperties")
        return isinstance(extra, dict) and bool(extra) and concrete(extra, seen)

    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                for media_type, body in (response.get("content") or {}).items():
                    if not concrete(body.get("schema", {})):
                        found.append(f"{method.upper()} {path} {status} {media_type}")
    return found


def test_the_walker_flags_an_untyped_object_and_accepts_typed_ones():
    schema = {
        "paths": {
            "/a/": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/b/": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {}}}}}}},
            "/c/": {"get": {"responses": {"200": {"content": {"application/json": {"$ref": "#/x/Typed"}}}}}},
            "/d/": {"get": {"responses": {"204": {"description": "No body"}}}},
            "/e/": {"get": {"responses": {"200": {"content": {"application/pdf": {"schema": {"type": "string"}}}}}}},
        },
        "components": {"schemas": {"Typed": {"type": "object", "properties": {"id": {"type": "string"}}}}},
    }
    schema["paths"]["/c/"]["get"]["responses"]["200"]["content"]["application/json"] = {
        "schema": {"$ref": "#/components/schemas/Typed"}
    }
    assert untyped_responses(schema) == ["GET /a/ 200 application/json", "GET /b/ 200 application/json"]


def test_every_success_response_in_the_schema_is_typed(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert len(schema["paths"]) > 40
    assert untyped_responses(schema) == []
