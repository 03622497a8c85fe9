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
