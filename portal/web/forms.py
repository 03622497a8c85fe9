from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.api.conditional import etag_for
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
    Each field also carries the value it was shown with (``show_hidden_initial``),
    so that after such a refusal the form keeps what the person changed and shows
    the other fields as they are saved now (``rebased``).
    """

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        show_hidden_initial=True,
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        show_hidden_initial=True,
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        help_text=_("The portal and our e-mails to you use this language."),
        choices=User._meta.get_field("preferred_language").choices,
        error_messages={"invalid_choice": _("Please choose one of the languages offered.")},
        show_hidden_initial=True,
    )
    email_calendar_attachment = forms.BooleanField(
        label=_("Attach a calendar file to e-mails about appointments"),
        help_text=_("The file names only the time, not the topic or the place. Off unless you switch it on."),
        required=False,
        show_hidden_initial=True,
    )
    version = forms.CharField(widget=forms.HiddenInput, max_length=100)

    PROFILE_FIELDS = ("first_name", "last_name", "preferred_language", "email_calendar_attachment")

    @classmethod
    def for_user(cls, user: User, data=None) -> AccountProfileForm:
        return cls(data, initial={**profile_of(user), "version": etag_for(user)})

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}

    def rebased(self, user: User) -> AccountProfileForm:
        """This (valid) form on top of the account as saved now: the fields the person
        changed keep their input, the others show the saved value; the current version."""
        changed = set(self.changed_data)
        saved = profile_of(user)
        values = {name: self.cleaned_data[name] if name in changed else saved[name] for name in self.PROFILE_FIELDS}
        data = {f"initial-{name}": str(saved[name]) for name in self.PROFILE_FIELDS}
        data |= {name: value for name, value in values.items() if name != "email_calendar_attachment"}
        if values["email_calendar_attachment"]:
            data["email_calendar_attachment"] = "on"
        data["version"] = etag_for(user)
        return type(self)(data, initial={**saved, "version": etag_for(user)})


def profile_of(user: User) -> dict:
    return {name: getattr(user, name) for name in AccountProfileForm.PROFILE_FIELDS}
