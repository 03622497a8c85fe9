"""Which Jobcenter the public pages speak for, and its page texts."""

from __future__ import annotations

from django.conf import settings

from portal.models import Jobcenter, JobcenterText, JobcenterTextKind


def page_jobcenter_get() -> Jobcenter | None:
    """The deployment's Jobcenter: ``PORTAL_JOBCENTER_SLUG``, else the first by name.

    None only on an empty installation (the pages then show the portal's name alone).
    """
    jobcenters = Jobcenter.objects.order_by("name")
    if settings.PORTAL_JOBCENTER_SLUG:
        jobcenters = jobcenters.filter(slug=settings.PORTAL_JOBCENTER_SLUG)
    return jobcenters.first()


def page_texts_get(*, jobcenter: Jobcenter | None, language: str) -> dict[str, dict[str, str]]:
    """Every text of ``jobcenter`` in ``language`` (German where a translation is missing):
    ``{"impressum": {"text": ..., "lang": "de"}, ...}``; a kind without a text is absent."""
    if jobcenter is None:
        return {}
    texts = {}
    for row in JobcenterText.objects.filter(jobcenter=jobcenter, kind__in=JobcenterTextKind.values):
        text, lang = row.text_for(language)
        texts[row.kind] = {"text": text, "lang": lang}
    return texts
