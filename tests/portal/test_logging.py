"""Structured logs: one JSON object per line, carrying the request id."""

from __future__ import annotations

import json
import logging

import pytest

from portal.logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_it_logs_json_lines_with_the_request_id(api):
    handler = Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = api.get("/api/v1/me/", HTTP_X_REQUEST_ID="req-from-proxy-42")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 401
    [line] = handler.lines
    record = json.loads(line)
    assert record["request_id"] == "req-from-proxy-42"
    assert record["level"] == "WARNING"
    assert record["message"] == "Unauthorized: /api/v1/me/"
