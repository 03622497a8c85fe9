"""The structural fuzz layer: what a schema-driven fuzzer cannot generate.

Schemathesis (tests/security/fuzz.py, test_fuzz.py) sends bodies that the
OpenAPI schema describes, as valid JSON. This layer sends every operation of
the schema, and every endpoint of allauth's headless API (its own OpenAPI
description, both clients), bodies whose *structure* is hostile:

- JSON nested thousands of levels deep (arrays and objects);
- bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, truncated JSON, an empty body;
- wrong, missing and malformed content types (a multipart type without a
  boundary, an unknown charset);
- invalid UTF-8, a lone UTF-16 surrogate, a NUL, duplicate keys, numbers
  out of range, JSON that is not an object;
- each field of the operation's request schema given one of those values;
- and, against a real server, the same bodies chunked (no ``Content-Length``).

Each request goes out as every role given (anonymous, citizen, staff with a
second factor), with path ids of objects the role owns where the caller
provides them. The one check: no answer is a 5xx.

``run(transport, ...)`` is used by test_fuzz.py (bounded, in-process through
Django's test client) and by ``make fuzz`` (every case, chunked too, against
daphne through raw sockets: tests/security/rawhttp.py).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
DEEP = 5000
OVERSIZE = 3 * 1024 * 1024  # over the default DATA_UPLOAD_MAX_MEMORY_SIZE (2 MiB)
NIL_UUID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {parameters}
    properties: tuple[str, ...] = ()  # top-level fields of the JSON request body, if the schema names them
    multipart: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes
    content_type: str | None = "application/json"
    chunked: bool = False


@dataclass
class Report:
    sent: int = 0
    failures: list[tuple[str, str, str, str, int]] = field(default_factory=list)  # role, method, path, case, status
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, role: str, method: str, path: str, case: Case, status: int) -> None:
        self.sent += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 500:
            self.failures.append((role, method, path, case.name, status))

    @property
    def server_errors(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        lines = [
            f"{self.sent} structural requests, {self.server_errors} answers of 5xx "
            "(598: no answer within the timeout or closed without one; 599: no connection)"
        ]
        lines += [
            f"  {role} {method} {path} [{case}] -> {status}" for role, method, path, case, status in self.failures[:50]
        ]
        return "\n".join(lines)


# --- operations -------------------------------------------------------------------------------


def _resolve(schema: dict, node: dict | None) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema.get("components", {}).get("schemas", {}).get(name, {})
    return node or {}


def operations(schema: dict, *, clients: Iterable[str] = ("browser", "app")) -> list[Operation]:
    """Every operation of an OpenAPI document; allauth's ``{client}`` is expanded."""
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            content = (item[method].get("requestBody") or {}).get("content", {})
            body = _resolve(schema, (content.get("application/json") or {}).get("schema"))
            properties = tuple(sorted(body.get("properties", {})))
            multipart = "multipart/form-data" in content
            for concrete in [path.replace("{client}", c) for c in clients] if "{client}" in path else [path]:
                found.append(Operation(method.upper(), concrete, properties, multipart))
    return found


_PARAMETER = re.compile(r"\{([^}]+)\}")


def concrete_path(operation: Operation, ids: dict[str, str]) -> str:
    """Path parameters from ``ids`` (by name), else a well-formed id nobody has."""
    return _PARAMETER.sub(lambda m: ids.get(m.group(1), NIL_UUID), operation.path)


# --- cases ------------------------------------------------------------------------------------

_NASTY_VALUES: dict[str, bytes] = {
    "lone_surrogate": b'"\\ud800"',
    "low_surrogate": b'"a\\udc00b"',
    "nul": b'"a\\u0000b"',
    "infinity_by_exponent": b"1e400",
    "huge_integer": b"1" + b"0" * 5000,
    "long_string": b'"' + b"x" * 200_000 + b'"',
    "big_array": b"[" + b"0," * 50_000 + b"0]",
    "deep_value": b"[" * 200 + b"]" * 200,
    "object_for_scalar": b'{"a": {"b": 1}}',
    "negative_zero": b"-0.0",
    "control_chars": b'"\\u0007\\u001b[31m\\r\\n"',
}


def generic_cases() -> list[Case]:
    deep_array = b"[" * DEEP + b"]" * DEEP
    deep_object = b'{"a":' * DEEP + b"1" + b"}" * DEEP
    return [
        Case("deep_array", deep_array),
        Case("deep_object", deep_object),
        Case("deep_as_text", deep_array, "text/plain"),
        Case("oversize", json.dumps({"a": "x" * OVERSIZE}).encode()),
        Case("truncated", b'{"a": [1, 2, {"b": "c'),
        Case("empty", b""),
        Case("not_an_object", b'["a", 1, null]'),
        Case("bare_string", b'"x"'),
        Case("null", b"null"),
        Case("nan", b'{"a": NaN}'),
        Case("invalid_utf8", b'{"a": "\xff\xfe\xc3\x28"}'),
        Case("utf16_bom", '{"a": "b"}'.encode("utf-16")),
        Case("duplicate_keys", b'{"a": 1, "a": 2}'),
        Case("no_content_type", b'{"a": 1}', None),
        Case("text_plain", b'{"a": 1}', "text/plain"),
        Case("xml", b"<a><b>1</b></a>", "application/xml"),
        Case("form_with_json", b'{"a": 1}', "application/x-www-form-urlencoded"),
        Case("multipart_without_boundary", b"--x\r\n\r\n", "multipart/form-data"),
        Case(
            "multipart_truncated",
            b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
            "multipart/form-data; boundary=x",
        ),
        Case("unknown_charset", b'{"a": 1}', "application/json; charset=utf-99"),
        Case("garbage_content_type", b'{"a": 1}', "\x7f;;=;"),
    ]


# The cheap ones, for the bounded run in ``make test``.
QUICK_VALUES = ("lone_surrogate", "low_surrogate", "nul", "huge_integer", "infinity_by_exponent", "object_for_scalar")


def field_cases(operation: Operation, values: Iterable[str] | None = None) -> list[Case]:
    """Each nasty value in every field of the operation's body (one request per value)."""
    if not operation.properties:
        return []
    cases = []
    for name in values or _NASTY_VALUES:
        value = _NASTY_VALUES[name]
        members = b", ".join(json.dumps(p).encode() + b": " + value for p in operation.properties)
        cases.append(Case(f"fields_{name}", b"{" + members + b"}"))
    return cases


def cases_for(operation: Operation, *, chunked: bool = False, values: Iterable[str] | None = None) -> list[Case]:
    if operation.method not in BODY_METHODS:
        # A body where none belongs: it must be ignored or refused, never a 5xx.
        cases = [c for c in generic_cases() if c.name in ("deep_array", "oversize", "invalid_utf8", "duplicate_keys")]
    else:
        cases = generic_cases() + field_cases(operation, values)
    if chunked:
        cases += [
            Case(f"chunked_{c.name}", c.body, c.content_type, chunked=True)
            for c in cases
            if c.name in ("deep_array", "oversize", "truncated", "duplicate_keys", "empty", "not_an_object")
        ]
    return cases


# --- running ----------------------------------------------------------------------------------

# transport(method, path, case, headers) -> status
Transport = Callable[[str, str, Case, dict[str, str]], int]


def run(
    transport: Transport,
    ops: Iterable[Operation],
    roles: dict[str, tuple[dict[str, str], dict[str, str]]],
    *,
    chunked: bool = False,
    values: Iterable[str] | None = None,
    select: Callable[[str, Operation, Case], bool] | None = None,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Every case at every operation as every role: ``roles`` maps a role's name to
    (its headers, its path ids). ``values`` limits the nasty field values,
    ``select(role, op, case)`` thins the run out."""
    report = Report()
    for operation in ops:
        for case in cases_for(operation, chunked=chunked, values=values):
            for role, (headers, ids) in roles.items():
                if select is not None and not select(role, operation, case):
                    continue
                status = transport(operation.method, concrete_path(operation, ids), case, headers)
                report.add(role, operation.method, operation.path, case, status)
                if progress is not None and report.sent % 500 == 0:
                    progress(report)
    return report


def client_transport(client) -> Transport:
    """In-process through Django's test client (no chunking there)."""

    def send(method: str, path: str, case: Case, headers: dict[str, str]) -> int:
        extra = {"CONTENT_TYPE": case.content_type if case.content_type is not None else ""}
        response = client.generic(method, path, case.body, headers=headers, **extra)
        return response.status_code

    return send


def socket_transport(port: int) -> Transport:
    """Against a server through raw sockets, chunked when the case says so."""
    from tests.security import rawhttp

    def send(method: str, path: str, case: Case, headers: dict[str, str]) -> int:
        headers = dict(headers)
        if case.content_type is not None:
            headers["Content-Type"] = case.content_type
        try:
            response = rawhttp.send(port, method, path, headers=headers, body=case.body, chunked=case.chunked)
        except OSError:
            return 599  # the server went away: counted as a server error
        return response.status if response is not None else 598  # closed without an answer

    return send


def random_ids() -> dict[str, str]:
    return {name: str(uuid.uuid4()) for name in ("id",)}
