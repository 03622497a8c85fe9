"""Forms of the evidence pages: an upload (a photo or a file) and a delete.

The checks of the file itself (size, type by content, viruses) are
``applications.files``'s, run by the service; these forms only read the post.
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from applications.files import ALLOWED_TYPES

# What the file picker offers: the types ``applications.files`` accepts.
ACCEPT = ",".join(ALLOWED_TYPES)


class UploadForm(forms.Form):
    """One file for one checklist item or document request.

    Two inputs for the same file: ``photo`` opens the camera on a phone
    (``capture``; some phones then offer no file picker), ``file`` the file picker.
    """

    photo = forms.FileField(
        label=_("Take a photo"),
        help_text=_("On a phone this opens the camera."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )
    file = forms.FileField(
        label=_("Choose a file"),
        help_text=_("PDF, JPEG or PNG."),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    checklist_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def clean(self):
        data = super().clean()
        given = [name for name in ("photo", "file") if data.get(name)]
        if not given and not self.errors:
            self.add_error("file", _("Take a photo or choose a file."))
        elif len(given) > 1:
            self.add_error("file", _("Upload one file at a time: either a photo or a file."))
        return data

    @property
    def upload(self) -> UploadedFile:
        return self.cleaned_data.get("photo") or self.cleaned_data["file"]

    @property
    def upload_field(self) -> str:
        """The input the file came through (errors about the file are shown there)."""
        return "photo" if self.cleaned_data.get("photo") else "file"


class DeleteForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
