"""The forms of the citizen's appointment pages. They only parse what a page sends;
the rules (which slot is free, who may change what, until when) are the services'."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from appointments.constants import LANGUAGES, Channel
from appointments.models import AppointmentType

LANGUAGE_NAMES = {
    "de": _("German"),
    "en": _("English"),
    "uk": _("Ukrainian"),
    "ru": _("Russian"),
    "ar": _("Arabic"),
    "tr": _("Turkish"),
    "fa": _("Persian"),
    "pl": _("Polish"),
    "ro": _("Romanian"),
}


class SlotFilterForm(forms.Form):
    """``?channel=&language=&from=`` of the free times (a GET form; htmx only swaps the list)."""

    channel = forms.ChoiceField(label=_("How would you like to talk?"), required=False)
    language = forms.ChoiceField(label=_("Language of the conversation"), required=False)
    start = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, appointment_type: AppointmentType, fixed_channel: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = [value for value in Channel.values if value in appointment_type.channels]
        if fixed_channel:  # moving keeps the channel (the service does)
            offered = [fixed_channel]
            self.fields["channel"].disabled = True
        self.fields["channel"].choices = ([] if fixed_channel else [("", _("Any way"))]) + [
            (value, Channel(value).label) for value in offered
        ]
        languages = [code for code in LANGUAGES if code in appointment_type.languages]
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, LANGUAGE_NAMES[code]) for code in languages
        ]

    def filters(self, *, today: date) -> tuple[str | None, str | None, date]:
        """(channel, language, first day); invalid values fall back to no filter."""
        data = self.cleaned_data if self.is_valid() else {}
        first = data.get("start") or today
        return data.get("channel") or None, data.get("language") or None, max(first, today)


class SlotChoiceForm(forms.Form):
    """The slot a button names: ``<ISO start>|<channel>``."""

    slot = forms.CharField(label=_("Time"), max_length=100)
    language = forms.ChoiceField(required=False, choices=[("", "")] + [(code, code) for code in LANGUAGES])

    def clean_slot(self) -> tuple[datetime, str]:
        raw = self.cleaned_data["slot"]
        start, _sep, channel = raw.partition("|")
        try:
            when = datetime.fromisoformat(start)
        except ValueError:
            raise forms.ValidationError(_("Please choose one of the free times.")) from None
        if when.tzinfo is None or channel not in Channel.values:
            raise forms.ValidationError(_("Please choose one of the free times."))
        return when.astimezone(UTC), channel


class VersionForm(forms.Form):
    """The version of the appointment the page was rendered from (its ETag), passed as ``if_match``."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=100)


class MoveForm(SlotChoiceForm, VersionForm):
    pass


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("This helps us to offer better times."),
    )


class ConfirmInvitationForm(VersionForm):
    read = forms.BooleanField(
        label=_("I have read the information on legal consequences (Rechtsfolgenbelehrung)."),
        error_messages={"required": _("Please confirm that you have read the information on legal consequences.")},
    )


class RequestChangeForm(VersionForm):
    note = forms.CharField(
        label=_("Why can you not come, and when would suit you?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("An important reason is, for example, illness or a job interview. Please say so."),
        error_messages={"required": _("Please tell us why you need another date.")},
    )
