"""JSON bodies read safely: bounded in size and depth, no duplicate keys.

Python's ``json`` recurses once per level of nesting, so a body of a few
thousand ``[`` raises ``RecursionError`` (not a ``ValueError``) in every
parser that uses it: DRF's and allauth's headless views alike. The depth is
therefore counted before parsing, by a scan that costs one ``bytes.count`` for
an ordinary body. Duplicate keys are refused rather than letting the last one
win silently: two values for ``iban`` in one request are a client error, and a
proxy or log that reads the first one must never see other data than the
service stored.

Lists are bounded too (``MAX_JSON_ARRAY_ITEMS``): DRF validates every item of a
list before it counts them.

``loads_strict`` is the one parser; ``StrictJSONParser`` (DRF's default
parser, settings ``REST_FRAMEWORK``) and ``portal.middleware.RequestBodyMiddleware``
(every other view, allauth's included) both use it.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from portal.api.problems import Problem

# Deeper than any request of the API (an application's household is 3 levels);
# far below Python's recursion limit (1000), which json would hit first.
MAX_JSON_DEPTH = 64

# No request of the API carries a list this long (the longest: 500 availability
# exceptions). DRF's ListField validates every item before it checks max_length, so
# 50,000 items cost 150,000 validation errors and half a minute of CPU.
MAX_JSON_ARRAY_ITEMS = 1000

# A complete JSON string (the unrolled form never backtracks), so brackets
# inside strings are not counted.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Openers become +1, closers -1 (as signed bytes), everything else goes.
_DEPTH_TABLE = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


class JSONStructureError(ValueError):
    """A body that parses (or might) but that we refuse: too deep, a key twice."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def json_too_deep(body: bytes, *, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays and objects in ``body`` nest deeper than ``limit``.

    Works on any bytes (valid JSON or not): brackets inside complete strings
    do not count. An ordinary body has fewer than ``limit`` brackets in all
    and costs a regex pass and a count; only a bracket-heavy one is scanned.
    """
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    steps = memoryview(brackets.translate(_DEPTH_TABLE)).cast("b")
    return max(accumulate(steps), default=0) > limit


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _value in pairs if key in seen or seen.add(key))
        raise JSONStructureError(
            "json_duplicate_key",
            _("The key “%(key)s” appears more than once in an object of the JSON body.") % {"key": duplicate[:100]},
        )
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(body: bytes) -> Any:
    """Parse a JSON body: ``JSONStructureError`` for one we refuse by rule,
    ``ValueError`` (``UnicodeDecodeError``, ``JSONDecodeError``) for one that is not JSON."""
    if json_too_deep(body):
        raise too_deep_error()
    text = body.decode("utf-8")  # strict: invalid UTF-8 is not JSON (RFC 8259, 8.1)
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
    except RecursionError:  # unreachable after the scan; never a 500 if it is reached
        raise too_deep_error() from None
    if _SURROGATE_ESCAPE.search(body):
        _refuse_lone_surrogates(data)
    if body.count(b",") >= MAX_JSON_ARRAY_ITEMS and _longest_array(data) > MAX_JSON_ARRAY_ITEMS:
        raise JSONStructureError(
            "json_too_many_items",
            _("A list in the JSON body has more than %(limit)d items.") % {"limit": MAX_JSON_ARRAY_ITEMS},
        )
    return data


def _longest_array(data: Any) -> int:
    longest, stack = 0, [data]
    while stack:  # no recursion: the depth is bounded, but a loop needs no bound at all
        value = stack.pop()
        if isinstance(value, list):
            longest = max(longest, len(value))
            stack.extend(v for v in value if isinstance(v, (list, dict)))
        elif isinstance(value, dict):
            stack.extend(v for v in value.values() if isinstance(v, (list, dict)))
    return longest


# "\ud800".."\udfff": only an escape can put a UTF-16 surrogate into a parsed string.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _refuse_lone_surrogates(data: Any) -> None:
    """A lone surrogate (``"\\ud800"``) is valid JSON syntax but no character: it
    cannot be encoded as UTF-8, so PostgreSQL, the PDF and every e-mail would fail
    on it later (a 500). Pairs are decoded to one character by json already."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise JSONStructureError(
            "json_invalid_unicode",
            _("The JSON body contains an escaped UTF-16 surrogate that is not part of a pair."),
        ) from None


def too_deep_error() -> JSONStructureError:
    return JSONStructureError(
        "json_too_deep",
        _("The JSON body is nested more than %(limit)d levels deep.") % {"limit": MAX_JSON_DEPTH},
    )


def structure_problem(error: JSONStructureError) -> Problem:
    return Problem(status=400, code=error.code, detail=error.detail)


def too_large_problem() -> Problem:
    return Problem(status=413, code="payload_too_large", detail=payload_too_large_detail())


def payload_too_large_detail() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return _("The request body is too large.")
    return _("The request body is larger than %(limit)s KB.") % {"limit": f"{limit / 1024:g}"}


class StrictJSONParser(JSONParser):
    """DRF's JSON parser with ``loads_strict``: size, depth and duplicate keys checked."""

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise too_large_problem()
        try:
            return loads_strict(body)
        except JSONStructureError as error:
            raise structure_problem(error) from None
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(detail)s") % {"detail": str(error)[:200]}) from None
