"""A test-only URLconf: the portal's URLs plus two small views that exercise
the shared API conventions (``@idempotent``, the 500 problem body)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.idempotency import idempotent
from portal.audit import AuditAction, audit_record
from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401  (same error pages)

# Any action of the list: audit_record refuses one that is not in AuditAction.
TEST_ACTION = AuditAction.APPLICATION_NOTE_CREATE


class NoteIn(serializers.Serializer):
    text = serializers.CharField(max_length=50)


class NoteCreate(APIView):
    """Creates a row (an audit event stands in for any created object)."""

    @idempotent
    def post(self, request):
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        event = audit_record(actor=request.user, action=TEST_ACTION, object_type="note", object_id="-")
        return Response({"id": str(event.public_id), "text": data.validated_data["text"]}, status=201)


class Boom(APIView):
    permission_classes: list = []

    def get(self, request):
        raise RuntimeError("secret internal detail: password=hunter2")


urlpatterns = [
    path("api/v1/test/notes/", NoteCreate.as_view()),
    path("api/v1/test/boom/", Boom.as_view()),
    path("", include("portal.urls")),
]
