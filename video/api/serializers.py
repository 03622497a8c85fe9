from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from appointments.constants import LANGUAGES
from video.constants import GuestKind, ParticipantRole
from video.models import Guest


class IceServerOut(serializers.Serializer):
    urls = serializers.ListField(child=serializers.CharField())
    username = serializers.CharField(required=False)
    credential = serializers.CharField(required=False)


class RoomTicketOut(serializers.Serializer):
    room = serializers.UUIDField()
    websocket = serializers.CharField(help_text="Connect to this URL with ?token=<token> appended.")
    token = serializers.CharField()
    token_expires_at = serializers.DateTimeField()
    ice_servers = IceServerOut(many=True)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    role = serializers.ChoiceField(choices=ParticipantRole.choices)
    participant = serializers.CharField()
    display_name = serializers.CharField()


class GuestIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GuestKind.choices)
    display_name = serializers.CharField(max_length=100)
    email = serializers.EmailField()
    language = serializers.ChoiceField(choices=[(code, code) for code in LANGUAGES], required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs["kind"] == GuestKind.INTERPRETER and not attrs.get("language"):
            raise serializers.ValidationError({"language": [_("Say which language the interpreter translates.")]})
        return attrs


class GuestOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Guest
        fields = ["id", "kind", "display_name", "language", "created_at"]


class GuestForCounsellorOut(GuestOut):
    class Meta(GuestOut.Meta):
        fields = [*GuestOut.Meta.fields, "email"]


class GuestListItemOut(GuestOut):
    """The schema of the guest list: the counsellor's list has each guest's e-mail address too."""

    email = serializers.EmailField(required=False, help_text="Only in the counsellor's list.")

    class Meta(GuestOut.Meta):
        fields = [*GuestOut.Meta.fields, "email"]
