"""Structured logs: one JSON object per line, with the request id."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from portal.requestid import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a 4xx/5xx after the middleware has returned; it
        # hands over the request, which carries its id.
        request = getattr(record, "request", None)
        record.request_id = current_request_id() or getattr(request, "id", None) or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
