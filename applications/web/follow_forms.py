"""Forms of the pages that follow an application: the Postfach reply, withdrawing,
deleting a draft. Each write form carries the version it was rendered from, so that
a change made meanwhile (another device, the Jobcenter) is not overwritten."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.conf import app_settings
from applications.models import Application


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def if_match(self, application: Application) -> str:
        """The version the form was rendered from, as the services' ``if_match`` (an ETag)."""
        return f'"{application.public_id}-{self.cleaned_data["version"]}"'


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        help_text=_("Please do not send bank or health details unless the Jobcenter asks for them."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please write your message.")},
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        limit = app_settings.MESSAGE_MAX_LENGTH
        if len(body) > limit:
            raise forms.ValidationError(_("Please write at most %(n)d characters.") % {"n": limit})
        return body


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label=_("Why do you withdraw your application?"),
        help_text=_("For example: I found a job. The Jobcenter reads your reason."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please tell us why you withdraw your application.")},
    )
    # Set by the confirmation page: only then is the application withdrawn.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DeleteDraftForm(VersionForm):
    pass
