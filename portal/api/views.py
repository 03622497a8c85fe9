from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import IsStaff
from portal.api.problems import Problem
from portal.models import AuditEvent, Location, Team, User


class TeamOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")

    class Meta:
        model = Team
        fields = ["id", "name", "kind"]


class MeOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    roles = serializers.SerializerMethodField()
    jobcenter = serializers.SerializerMethodField()
    teams = TeamOut(many=True)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "preferred_language", "roles", "jobcenter", "teams"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)

    def get_jobcenter(self, user) -> dict | None:
        if user.jobcenter is None:
            return None
        return {"id": str(user.jobcenter.public_id), "name": user.jobcenter.name}


class MeView(APIView):
    """The logged-in user, with roles, Jobcenter and teams."""

    @extend_schema(responses=MeOut)
    def get(self, request):
        return Response(MeOut(request.user).data)


class LocationOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")

    class Meta:
        model = Location
        fields = ["id", "name", "street", "postcode", "city", "opening_hours", "accessibility_note"]


class LocationList(generics.ListAPIView):
    """Public: where a Jobcenter receives visitors."""

    permission_classes: list = []
    authentication_classes: list = []
    serializer_class = LocationOut
    queryset = Location.objects.order_by("name", "id")


class AuditEventOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    actor = serializers.UUIDField(source="actor.public_id", allow_null=True, default=None)

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "actor_role", "action", "object_type", "object_id", "request_id", "data"]


class AuditEventList(generics.ListAPIView):
    """The audit events of one object, for staff of the same Jobcenter."""

    permission_classes = [IsStaff]
    serializer_class = AuditEventOut

    @extend_schema(
        parameters=[
            OpenApiParameter("object_type", str, required=True),
            OpenApiParameter("object_id", str, required=True),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        object_type = self.request.query_params.get("object_type")
        object_id = self.request.query_params.get("object_id")
        missing = {
            name: [_("This parameter is required.")]
            for name, value in (("object_type", object_type), ("object_id", object_id))
            if not value
        }
        if missing:
            raise Problem(
                status=400, code="validation", detail=_("Some fields are invalid; see errors."), errors=missing
            )
        return (
            AuditEvent.objects.filter(
                object_type=object_type, object_id=object_id, jobcenter_id=self.request.user.jobcenter_id
            )
            .select_related("actor")
            .order_by("-created_at", "-id")
        )
