from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
