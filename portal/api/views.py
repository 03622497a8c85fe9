from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.conditional import with_etag
from portal.api.permissions import IsCitizen, IsStaff
from portal.api.problems import Problem
from portal.api.serializers import JobcenterRefOut
from portal.audit import AuditAction, AuditObjectType, audit_record
from portal.constants import Role
from portal.export import export_contributors, personal_data_export
from portal.models import AuditEvent, Location, Team, User
from portal.services import user_profile_update


class TeamOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")

    class Meta:
        model = Team
        fields = ["id", "name", "kind"]


class MeOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    roles = serializers.SerializerMethodField()
    jobcenter = JobcenterRefOut(allow_null=True, help_text="Null for citizens.")
    teams = TeamOut(many=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "preferred_language",
            "email_calendar_attachment",
            "roles",
            "jobcenter",
            "teams",
            "version",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)


class MeIn(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    last_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    preferred_language = serializers.ChoiceField(
        choices=User._meta.get_field("preferred_language").choices, required=False
    )
    email_calendar_attachment = serializers.BooleanField(
        required=False,
        help_text="Attach a calendar file (neutral title, no topic or place) to appointment e-mails. Off by default.",
    )


class MeView(APIView):
    """The logged-in user, with roles, Jobcenter and teams.

    ``PATCH`` changes the names, the preferred language and whether appointment
    e-mails carry a calendar file (``email_calendar_attachment``, off by default). Send the ``ETag``
    of your last ``GET`` as ``If-Match``: a stale one gets 412.
    """

    @extend_schema(responses=MeOut)
    def get(self, request):
        return with_etag(Response(MeOut(request.user).data), request.user)

    @extend_schema(
        request=MeIn,
        responses=MeOut,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    def patch(self, request):
        data = MeIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = user_profile_update(
            user=request.user,
            actor=request.user,
            changes=data.validated_data,
            if_match=request.headers.get("If-Match"),
        )
        return with_etag(Response(MeOut(user).data), user)


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
    action = serializers.ChoiceField(choices=AuditAction.choices)
    object_type = serializers.ChoiceField(choices=AuditObjectType.choices)
    data = serializers.DictField(help_text="Ids and codes of the event, never personal data.")

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "actor_role", "action", "object_type", "object_id", "request_id", "data"]


OBJECT_ID_MAX_LENGTH = 64


class AuditEventList(generics.ListAPIView):
    """The audit events of one object, for staff of the same Jobcenter.

    Events of other Jobcenters are not shown (an empty page, not an error):
    the list must not tell whether an object exists elsewhere.
    """

    permission_classes = [IsStaff]
    serializer_class = AuditEventOut

    @extend_schema(
        parameters=[
            OpenApiParameter("object_type", str, required=True, enum=AuditObjectType.values),
            OpenApiParameter("object_id", str, required=True, description="The object's public id."),
        ],
        responses=AuditEventOut(many=True),
    )
    def get(self, request, *args, **kwargs):
        self.object_type, self.object_id = self._object_params()
        response = super().get(request, *args, **kwargs)
        # Reading the trail is itself recorded (after the read, so the page
        # shows the trail as it was): who looked at which object's history.
        audit_record(
            actor=request.user,
            action=AuditAction.AUDIT_EVENT_LIST,
            object_type=self.object_type,
            object_id=self.object_id,
            data={"page": request.query_params.get("page", "1")[:8]},
        )
        return response

    def _object_params(self) -> tuple[str, str]:
        params = {name: self.request.query_params.get(name, "").strip() for name in ("object_type", "object_id")}
        errors = {}
        for name, value in params.items():
            if not value:
                errors[name] = [_("This parameter is required.")]
        if params["object_type"] and params["object_type"] not in AuditObjectType.values:
            errors["object_type"] = [
                _("Unknown object type; use one of: %(types)s.") % {"types": ", ".join(AuditObjectType.values)}
            ]
        if len(params["object_id"]) > OBJECT_ID_MAX_LENGTH:
            errors["object_id"] = [
                _("Ensure this value has at most %(max)d characters.") % {"max": OBJECT_ID_MAX_LENGTH}
            ]
        if errors:
            raise Problem(
                status=400, code="validation", detail=_("Some fields are invalid; see errors."), errors=errors
            )
        return params["object_type"], params["object_id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or self.request.user.jobcenter_id is None:
            return AuditEvent.objects.none()
        return (
            AuditEvent.objects.filter(
                object_type=self.object_type,
                object_id=self.object_id,
                jobcenter_id=self.request.user.jobcenter_id,
            )
            .select_related("actor")
            .order_by("-created_at", "-id")
        )


class ExportAccountOut(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    preferred_language = serializers.CharField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class PersonalDataExportOut(serializers.Serializer):
    """The account, then one member per app that stores personal data (its label)."""

    account = ExportAccountOut()

    def get_fields(self):
        fields = super().get_fields()
        for config in export_contributors():
            fields[config.label] = serializers.JSONField(
                help_text=_("The part of the app %(app)s.") % {"app": config.verbose_name}
            )
        return fields


class DataExportView(APIView):
    """``GET /api/v1/me/data-export/``: everything stored about the citizen, as a
    JSON download (Art. 15 DSGVO)."""

    permission_classes = [IsCitizen]

    @extend_schema(responses=PersonalDataExportOut)
    def get(self, request):
        response = Response(personal_data_export(user=request.user))
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
