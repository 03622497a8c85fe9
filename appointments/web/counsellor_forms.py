"""Forms of the counsellor's pages. They parse what the browser sends; the rules
(an end after the start, extra hours need a channel, a free slot, ...) stay in
the API's serializers and in the services, which the views call with what these
forms parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appointments.constants import Channel, ExceptionKind, InvitationPurpose, Weekday
from video.constants import GuestKind

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgendaForm(forms.Form):
    """``?date=&view=day|week``: which day (or the week around it) the agenda shows."""

    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    view = forms.ChoiceField(label=_("Show"), required=False, choices=[("day", _("One day")), ("week", _("One week"))])


class VersionForm(forms.Form):
    """The version of the appointment the page was rendered from (``If-Match``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class _Place(forms.Form):
    """What a weekly row and an exception share: office, channels, time zone."""

    location = forms.ChoiceField(label=_("Office"), required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels"), required=False, choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    timezone = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [("", _("No office (phone or video only)"))] + [
            (str(location.public_id), location.name) for location in locations
        ]


class RuleForm(_Place):
    """One weekly row: a weekday's working hours."""

    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=TIME)
    end_time = forms.TimeField(label=_("Until"), widget=TIME)
    valid_from = forms.DateField(label=_("Valid from (optional)"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until (optional)"), required=False, widget=DATE)

    field_order = ["weekday", "start_time", "end_time", "location", "channels", "valid_from", "valid_until"]


class ExceptionForm(_Place):
    """One exception: a day off (whole day or hours) or extra hours on a date."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ExceptionKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("From"), required=False, widget=TIME, help_text=_("Empty for the whole day."))
    end_time = forms.TimeField(label=_("Until"), required=False, widget=TIME)

    field_order = ["kind", "date", "start_time", "end_time", "location", "channels"]


class GuestForm(forms.Form):
    """Invite a guest into the video room (``video.services.guest_invite``)."""

    kind = forms.ChoiceField(label=_("Who"), choices=GuestKind.choices)
    display_name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"), help_text=_("The invitation link is sent there."))
    language = forms.ChoiceField(
        label=_("Language (for an interpreter)"),
        required=False,
        choices=[("", "–"), ("de", "Deutsch"), ("en", "English"), ("uk", "Українська")],
    )


class InvitationForm(forms.Form):
    """A binding invitation (``appointments.services.invitation_create``)."""

    citizen = forms.UUIDField(
        label=_("Citizen number"), help_text=_("The citizen's number as shown on their appointment or case.")
    )
    appointment_type = forms.ChoiceField(label=_("Topic"))
    purpose = forms.ChoiceField(label=_("Purpose (§ 309 SGB III)"), choices=InvitationPurpose.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    time = forms.TimeField(label=_("Time"), widget=TIME)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)

    def __init__(self, *args, appointment_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment_type"].choices = [(str(t.public_id), t.public_name) for t in appointment_types]
