"""The API's two ways of paging a list, with one rule for ``page_size``.

DRF falls back to the default page size when ``page_size`` is not a positive
integer and clamps a too-large one. We answer 400 naming the parameter instead,
as docs/architecture.md and docs/staff-queue.md promise ("at most 100; bad
values get 400 naming the parameter"): a client that asked for 500 rows and
silently got 100 would think it had them all.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.pagination import CursorPagination, PageNumberPagination

from portal.api.problems import Problem

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class _StrictPageSize:
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw.strip())
        except ValueError:
            raise Problem.invalid(self.page_size_query_param, _("A whole number is required.")) from None
        if size < 1:
            raise Problem.invalid(self.page_size_query_param, _("Must be at least 1."))
        if size > self.max_page_size:
            raise Problem.invalid(
                self.page_size_query_param,
                _("Must be at most %(max)d.") % {"max": self.max_page_size},
            )
        return size


class PagePagination(_StrictPageSize, PageNumberPagination):
    """Default for every list: ``?page=2&page_size=50`` (at most 100)."""


class StableCursorPagination(_StrictPageSize, CursorPagination):
    """For lists that change while someone pages through them (work queues).

    The order is the view's ``ordering`` when it sets one per request (the
    queue's ``?ordering=``), else ``created_at``; it must end in a unique column.
    """

    ordering = "created_at"

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
