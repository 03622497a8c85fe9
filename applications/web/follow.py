"""Placeholder: the views are written in issue #16."""

from django.http import Http404


def _planned(request, **kwargs):
    raise Http404


application_list = _planned
application_detail = _planned
messages = _planned
withdraw = _planned
delete_draft = _planned
