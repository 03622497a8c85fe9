"""Forms of the pages that follow an application: the Postfach reply, withdrawing,
deleting a draft. Each write form carries the version it was rendered from, so that
a change made meanwhile (another device, the Jobcenter) is not overwritten."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.conf import app_settings
from applications.models import Application
from applications.web.documents_forms import ACCEPT


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def if_match(self, application: Application) -> str:
        """The version the form was rendered from, as the services' ``if_match`` (an ETag)."""
        return f'"{application.public_id}-{self.cleaned_data["version"]}"'


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; a list (empty when none was chosen). The files
    themselves are checked by the service (``applications.files``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        given = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in given if item]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        help_text=_("Please do not send bank or health details unless the Jobcenter asks for them."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please write your message.")},
    )
    attachments = MultipleFileField(
        label=_("Attach files (optional)"),
        help_text=_("PDF, JPEG or PNG; at most %(n)d files of up to %(mb)s MB together."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attachments"]
        field.help_text = field.help_text % {
            "n": app_settings.MESSAGE_MAX_ATTACHMENTS,
            "mb": f"{app_settings.UPLOAD_MAX_BYTES / (1024 * 1024):g}",
        }

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
