"""Placeholder: the views are written in issue #16."""

from django.http import Http404


def _planned(request, **kwargs):
    raise Http404


start = _planned
step = _planned
review = _planned
submit = _planned
submitted = _planned
receipt = _planned
