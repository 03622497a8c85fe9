"""Placeholder: the views are written in issue #16."""

from django.http import Http404


def _planned(request, **kwargs):
    raise Http404


evidence = _planned
document_file = _planned
document_delete = _planned
request_answer = _planned
