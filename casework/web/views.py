"""Placeholder: the views are written in issue #17."""

from django.http import Http404


def _planned(request, **kwargs):
    raise Http404


queue = case = _planned
