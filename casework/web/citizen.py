"""Placeholder: the views are written in issue #16."""

from django.http import Http404


def _planned(request, **kwargs):
    raise Http404


decision = decision_notice = _planned
