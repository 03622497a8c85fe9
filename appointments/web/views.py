"""Placeholder: the views are written in issue #16."""

from django.http import Http404


def _planned(request, **kwargs):
    raise Http404


appointment_list = topics = slots = appointment_detail = move = cancel = respond = calendar_file = _planned
