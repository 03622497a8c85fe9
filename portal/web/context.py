"""What every page's layout shows: the Jobcenter and its footer texts, loaded only
when a template reads them (the admin and the video pages never do)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from portal.web.tenant import page_jobcenter_get, page_texts_get


def portal_page(request) -> dict:
    jobcenter = SimpleLazyObject(page_jobcenter_get)

    def texts():
        # The wrapped object is None on an empty installation.
        return page_texts_get(jobcenter=jobcenter if jobcenter else None, language=get_language() or "de")

    return {"page_jobcenter": jobcenter, "page_texts": SimpleLazyObject(texts)}
