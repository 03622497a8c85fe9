from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import User


class AccessibilityFeedbackForm(forms.Form):
    """A barrier reported on the accessibility statement (BITV 2.0 §7): only the message is required."""

    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        help_text=_("Only if you would like an answer."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Please enter an e-mail address in the form name@example.de.")},
    )
    message = forms.CharField(
        label=_("Your message"),
        help_text=_("Which page, and what did not work for you?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please describe the barrier you found.")},
    )


class AccountProfileForm(forms.Form):
    """The profile on the account page: what ``PATCH /api/v1/me/`` changes (portal.services.user_profile_update).

    ``version`` is the ETag of the account as the page showed it: the service
    refuses the change when the account was changed meanwhile (another device).
    """

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        help_text=_("The portal and our e-mails to you use this language."),
        choices=User._meta.get_field("preferred_language").choices,
        error_messages={"invalid_choice": _("Please choose one of the languages offered.")},
    )
    email_calendar_attachment = forms.BooleanField(
        label=_("Attach a calendar file to e-mails about appointments"),
        help_text=_("The file names only the time, not the topic or the place. Off unless you switch it on."),
        required=False,
    )
    version = forms.CharField(widget=forms.HiddenInput, max_length=100)

    PROFILE_FIELDS = ("first_name", "last_name", "preferred_language", "email_calendar_attachment")

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}
