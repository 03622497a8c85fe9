"""Forms of the staff workbench. They parse what a person typed; the rules
(deadlines, what a decision needs) are the API's serializers', which
``api_checked`` runs, and the services'."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as drf

from applications.constants import ApplicationKind, ApplicationStatus
from casework import conf
from casework.api import serializers as s
from casework.deadlines import Flag
from casework.models import DecisionOutcome
from portal.clock import berlin_today
from portal.models import Team


def api_checked(form: forms.Form, serializer_class: type[drf.Serializer], data: dict) -> dict | None:
    """Run the API's serializer on the form's data; its errors go to the form's
    fields (or the form). Returns the serializer's data, or None when invalid."""
    serializer = serializer_class(data={k: v for k, v in data.items() if v not in (None, "")})
    if serializer.is_valid():
        return serializer.validated_data
    for field, errors in serializer.errors.items():
        for error in errors if isinstance(errors, list) else [errors]:
            form.add_error(field if field in form.fields else None, str(error))
    return None


class QueueFilterForm(forms.Form):
    """The queue's filters (the API's ``QueueQueryIn``), as a GET form."""

    status = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All open"))] + [(v, ApplicationStatus(v).label) for v in s.STATUS_FILTER_CHOICES],
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[
            ("any", _("Anyone or nobody")),
            ("me", _("My cases")),
            ("unassigned", _("Not assigned")),
            ("others", _("Assigned to others")),
        ],
    )
    deadline = forms.ChoiceField(
        label=_("Days left (§88 SGG)"),
        required=False,
        help_text=_("Six months after the application, a claim for inaction is admissible."),
        choices=[
            ("", _("Any")),
            (Flag.WARNING, _("Warning or worse")),
            (Flag.CRITICAL, _("Critical or expired")),
            (Flag.EXPIRED, _("Expired")),
        ],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *ApplicationKind.choices])
    documents_overdue = forms.BooleanField(label=_("Document request overdue"), required=False)
    unread = forms.BooleanField(label=_("Unread messages"), required=False)

    def query(self) -> dict:
        data = dict(self.cleaned_data)
        data["status"] = [data["status"]] if data.get("status") else []
        return data


class VersionForm(forms.Form):
    """Every change carries the case's version the page was rendered from (``If-Match``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DocumentRequestForm(VersionForm):
    description = forms.CharField(
        label=_("Which documents?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One document per line, as the citizen will read it."),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The default is the Jobcenter's usual period; at most six months."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("deadline", berlin_today() + timedelta(days=conf.document_request_default_days()))

    def clean(self):
        data = super().clean()
        if "description" in data and "deadline" in data:
            checked = api_checked(
                self, s.DocumentRequestIn, {"description": data["description"], "deadline": data["deadline"]}
            )
            if checked is not None:
                data.update(checked)
        return data


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason (the citizen reads it)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class HandOverForm(VersionForm):
    """Hand the case over to another team of its Jobcenter (the service checks the team again)."""

    team = forms.ChoiceField(label=_("Hand over to the team"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        others = Team.objects.filter(jobcenter_id=application.jobcenter_id).exclude(pk=application.team_id)
        self.fields["team"].choices = [("", _("Choose a team"))] + [(str(t.public_id), t.name) for t in others]


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see notes; the citizen never does."),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the citizen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The citizen reads this in their Postfach."),
    )

    def clean(self):
        data = super().clean()
        if "body" in data:
            api_checked(self, s.StaffMessageIn, {"body": data["body"]})
        return data


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, max_digits=10, decimal_places=2, min_value=0)


def _day(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class DecisionForm(VersionForm):
    """Approve (with amounts and period) or reject (with a reason); the notice is generated from it."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    starts_on = _day(_("Benefits from"), help_text=_("Needed for an approval."))
    ends_on = _day(_("Benefits until"))
    monthly_amount = _money(_("Amount per month in euros"))
    standard_needs_amount = _money(_("Of which standard needs (Regelbedarf) in euros"))
    additional_needs_amount = _money(_("Of which additional needs (Mehrbedarf) in euros"))
    housing_amount = _money(_("Of which housing and heating (KdU) in euros"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for a rejection; the citizen reads it in the notice."),
    )
    text = forms.CharField(
        label=_("Further text of the notice"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    AMOUNTS = ("monthly_amount", "standard_needs_amount", "additional_needs_amount", "housing_amount")

    def clean(self):
        data = super().clean()
        if "outcome" in data:
            checked = api_checked(self, s.DecisionIn, {k: v for k, v in data.items() if k != "version"})
            if checked is not None:
                data.update(checked)
        return data

    def decision(self) -> dict:
        """The service's keyword arguments."""
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "starts_on": data.get("starts_on"),
            "ends_on": data.get("ends_on"),
            "amounts": {name: data.get(name) for name in self.AMOUNTS},
            "reason": data.get("reason", ""),
            "text": data.get("text", ""),
        }
