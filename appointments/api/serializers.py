"""Input and output shapes of the appointments API. No business logic here."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from appointments import conf
from appointments.constants import (
    LANGUAGES,
    Channel,
    ExceptionKind,
    InvitationPurpose,
    Weekday,
    allowed_actions,
)
from appointments.models import Appointment, AppointmentType, AvailabilityException, AvailabilityRule
from portal.clock import BERLIN, BERLIN_NAME
from portal.models import Location

LANGUAGE_CHOICES = [(code, code) for code in LANGUAGES]


def _minutes(value) -> int:
    return int(value.total_seconds() // 60)


class AppointmentTypeOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="public_name")
    description = serializers.CharField(source="public_description")
    jobcenter = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    duration_minutes = serializers.SerializerMethodField()
    buffer_before_minutes = serializers.SerializerMethodField()
    buffer_after_minutes = serializers.SerializerMethodField()
    minimum_notice_minutes = serializers.SerializerMethodField()
    booking_horizon_days = serializers.SerializerMethodField()

    class Meta:
        model = AppointmentType
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "jobcenter",
            "team",
            "duration_minutes",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "channels",
            "languages",
            "minimum_notice_minutes",
            "booking_horizon_days",
            "self_bookable",
        ]

    def get_jobcenter(self, obj) -> dict:
        return {"id": str(obj.jobcenter.public_id), "slug": obj.jobcenter.slug, "name": obj.jobcenter.name}

    def get_team(self, obj) -> dict | None:
        return {"id": str(obj.team.public_id), "name": obj.team.name} if obj.team else None

    def get_duration_minutes(self, obj) -> int:
        return _minutes(obj.duration)

    def get_buffer_before_minutes(self, obj) -> int:
        return _minutes(obj.buffer_before)

    def get_buffer_after_minutes(self, obj) -> int:
        return _minutes(obj.buffer_after)

    def get_minimum_notice_minutes(self, obj) -> int:
        return _minutes(obj.minimum_notice)

    def get_booking_horizon_days(self, obj) -> int:
        return obj.booking_horizon.days


class DateRangeIn(serializers.Serializer):
    max_days: int | None = None  # None: the slot limit (APPOINTMENTS_MAX_SLOT_DAYS, 31)

    from_ = serializers.DateField()
    to = serializers.DateField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [_("Must not be before 'from'.")]})
        limit = self.max_days or conf.max_slot_days()
        if (attrs["to"] - attrs["from"]).days + 1 > limit:
            raise serializers.ValidationError({"to": [_("At most %(days)s days per query.") % {"days": limit}]})
        return attrs


class StatsRangeIn(DateRangeIn):
    max_days = 366


class SlotQueryIn(DateRangeIn):
    appointment_type = serializers.UUIDField()
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    location = serializers.UUIDField(required=False)
    counsellor = serializers.UUIDField(required=False)


class BookIn(serializers.Serializer):
    appointment_type = serializers.UUIDField()
    start = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    # The office of an in-person slot, as the slot list gives it.
    location = serializers.UUIDField(required=False, allow_null=True)
    counsellor = serializers.UUIDField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False, allow_null=True)
    application = serializers.UUIDField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class InvitationIn(serializers.Serializer):
    citizen = serializers.UUIDField()
    appointment_type = serializers.UUIDField()
    start = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    purpose = serializers.ChoiceField(choices=InvitationPurpose.choices)
    counsellor = serializers.UUIDField(required=False, allow_null=True)
    application = serializers.UUIDField(required=False, allow_null=True)


class CancelIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class RescheduleIn(serializers.Serializer):
    start = serializers.DateTimeField()


class RequestChangeIn(serializers.Serializer):
    note = serializers.CharField(max_length=1000)


def slots_json(*, appointment_type: AppointmentType, entries: list, locations) -> bytes:
    """The slot list as JSON: ``{"appointment_type", "count", "results": [{start, end,
    channel, location}]}`` from ``selectors.bookable_times``: one entry per bookable
    time, channel and office, times with the Berlin offset, in order of time.

    Which counsellor is free is not part of the answer: the citizen books a time
    (the service takes the first free counsellor, or the one named), and an
    anonymous list of every counsellor's free hours would publish the staff's
    working patterns. Written from pre-encoded pieces (``docs/benchmarks.md``).
    """
    duration = int(appointment_type.duration.total_seconds())
    places = {loc.pk: _json({"id": str(loc.public_id), "name": loc.name}) for loc in locations}
    places[None] = "null"
    times = {}
    for start in {entry[0] for entry in entries}:
        local_start = datetime.fromtimestamp(start, BERLIN).isoformat()
        local_end = datetime.fromtimestamp(start + duration, BERLIN).isoformat()
        times[start] = f'{{"start":"{local_start}","end":"{local_end}","channel":"'
    results = ",".join(
        f'{times[start]}{channel}","location":{places[location]}}}' for start, channel, location in entries
    )
    head = _json(str(appointment_type.public_id))
    return f'{{"appointment_type":{head},"count":{len(entries)},"results":[{results}]}}'.encode("ascii")


def _json(value) -> str:
    # ASCII with \u escapes (the same JSON to every parser): the answer stays a
    # one-byte-per-character string whose encoding is a copy, not a transcoding.
    return json.dumps(value, separators=(",", ":"))


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": str(user.public_id), "name": user.display_name}


def _location(location) -> dict | None:
    if location is None:
        return None
    return {
        "id": str(location.public_id),
        "name": location.name,
        "street": location.street,
        "postcode": location.postcode,
        "city": location.city,
    }


class AppointmentOut(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    appointment_type = serializers.SerializerMethodField()
    counsellor = serializers.SerializerMethodField()
    citizen = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    # The application's public id (None when none is linked or it was deleted).
    application = serializers.UUIDField(source="application.public_id", allow_null=True, read_only=True)
    invitation = serializers.SerializerMethodField()
    join_url = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "version",
            "appointment_type",
            "start",
            "end",
            "channel",
            "location",
            "status",
            "status_label",
            "counsellor",
            "citizen",
            "application",
            "languages",
            "note",
            "is_invitation",
            "invitation",
            "join_url",
            "cancelled_at",
            "cancel_reason",
            "allowed_actions",
            "created_at",
        ]

    def get_appointment_type(self, obj) -> dict:
        return {"id": str(obj.appointment_type.public_id), "name": obj.appointment_type.public_name}

    def get_counsellor(self, obj) -> dict | None:
        return _person(obj.counsellor)

    def get_citizen(self, obj) -> dict | None:
        return _person(obj.citizen)

    def get_location(self, obj) -> dict | None:
        return _location(obj.location)

    def get_invitation(self, obj) -> dict | None:
        if not obj.is_invitation:
            return None
        notice = obj.legal_notice
        return {
            "purpose": obj.purpose,
            "purpose_label": obj.get_purpose_display(),
            "legal_notice": {"version": notice.version, "text": notice.text} if notice else None,
            "response": obj.response,
            "response_note": obj.response_note,
            "responded_at": serializers.DateTimeField().to_representation(obj.responded_at)
            if obj.responded_at
            else None,
        }

    def get_join_url(self, obj) -> str | None:
        return conf.video_join_url(obj.public_id) if obj.channel == Channel.VIDEO else None

    def get_allowed_actions(self, obj) -> list[str]:
        return allowed_actions(obj.status)


class _AvailabilityItemIO(serializers.ModelSerializer):
    """What a weekly rule and an exception share: an office of the counsellor's
    Jobcenter (``locations``) and the zone their wall times are in."""

    location = serializers.SlugRelatedField(
        slug_field="public_id", queryset=Location.objects.none(), required=False, allow_null=True, default=None
    )
    timezone = serializers.CharField(required=False, default=BERLIN_NAME)

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if locations is not None:
            self.fields["location"].queryset = locations

    def validate_timezone(self, value: str) -> str:
        return _valid_zone(value)


class AvailabilityRuleIO(_AvailabilityItemIO):
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices), min_length=1)
    weekday = serializers.ChoiceField(choices=Weekday.choices)

    class Meta:
        model = AvailabilityRule
        fields = ["weekday", "start_time", "end_time", "timezone", "location", "channels", "valid_from", "valid_until"]

    def validate(self, attrs):
        if attrs["end_time"] <= attrs["start_time"]:
            raise serializers.ValidationError({"end_time": [_("Must be after the start time.")]})
        if attrs.get("valid_from") and attrs.get("valid_until") and attrs["valid_until"] < attrs["valid_from"]:
            raise serializers.ValidationError({"valid_until": [_("Must not be before 'valid_from'.")]})
        return attrs


class AvailabilityExceptionIO(_AvailabilityItemIO):
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False, default=list
    )
    kind = serializers.ChoiceField(choices=ExceptionKind.choices)

    class Meta:
        model = AvailabilityException
        fields = ["kind", "date", "start_time", "end_time", "timezone", "location", "channels"]

    def validate(self, attrs):
        start, end = attrs.get("start_time"), attrs.get("end_time")
        if (start is None) != (end is None):
            raise serializers.ValidationError({"end_time": [_("Give both times, or neither for the whole day.")]})
        if start is not None and end <= start:
            raise serializers.ValidationError({"end_time": [_("Must be after the start time.")]})
        if attrs["kind"] == ExceptionKind.EXTRA:
            if start is None:
                raise serializers.ValidationError({"start_time": [_("Extra hours need a start and an end time.")]})
            if not attrs.get("channels"):
                raise serializers.ValidationError({"channels": [_("Extra hours need at least one channel.")]})
        return attrs


def _valid_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise serializers.ValidationError(_("Unknown time zone.")) from None
    return value


class AvailabilityIn(serializers.Serializer):
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CHOICES), required=False, min_length=1
    )
    rules = serializers.ListField(child=serializers.DictField(), max_length=200)
    exceptions = serializers.ListField(child=serializers.DictField(), max_length=500, required=False, default=list)

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.locations = locations

    def _validate_items(self, items, serializer_class, name):
        result, errors = [], {}
        for index, item in enumerate(items):
            serializer = serializer_class(data=item, locations=self.locations)
            if serializer.is_valid():
                result.append(serializer.validated_data)
            else:
                errors[str(index)] = serializer.errors
        if errors:
            raise serializers.ValidationError({name: errors})
        return result

    def validate(self, attrs):
        attrs["rules"] = self._validate_items(attrs["rules"], AvailabilityRuleIO, "rules")
        attrs["exceptions"] = self._validate_items(attrs.get("exceptions", []), AvailabilityExceptionIO, "exceptions")
        return attrs


class AvailabilityOut(serializers.Serializer):
    """A counsellor's availability (``selectors.availability_get``)."""

    languages = serializers.ListField(child=serializers.CharField(), source="profile.languages")
    timezone = serializers.CharField(source="profile.timezone")
    rules = AvailabilityRuleIO(many=True)
    exceptions = AvailabilityExceptionIO(many=True)


class NamedRefOut(serializers.Serializer):
    """An object named by its public id and its name."""

    id = serializers.UUIDField()
    name = serializers.CharField()


class StatsRowOut(serializers.Serializer):
    """One row of ``selectors.appointment_stats`` (the rate counts only known outcomes)."""

    appointment_type = NamedRefOut()
    team = NamedRefOut(allow_null=True)
    bookings = serializers.IntegerField()
    invitations = serializers.IntegerField()
    cancellations = serializers.IntegerField()
    attended = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    no_show_rate = serializers.FloatField(allow_null=True)
