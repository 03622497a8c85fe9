"""What the citizen's data export (``applications.export``, Art. 15 DSGVO) renders, as
plain data: the same output serializers as the API (``applications.api.serializers``)."""

from __future__ import annotations

from typing import Any

from applications.api.serializers import ApplicationSummaryOut, DocumentRequestOut, MessageOut, TimelineEventOut
from applications.models import Application, DocumentRequest, Message, TimelineEvent
from applications.snapshot import plain

__all__ = ["application_summary", "document_request_out", "message_out", "plain", "timeline_out"]


def application_summary(application: Application) -> dict[str, Any]:
    return ApplicationSummaryOut(application).data


def document_request_out(request: DocumentRequest, application: Application) -> dict[str, Any]:
    return DocumentRequestOut(request, context={"application": application}).data


def message_out(message: Message) -> dict[str, Any]:
    return MessageOut(message).data


def timeline_out(event: TimelineEvent) -> dict[str, Any]:
    return TimelineEventOut(event).data
