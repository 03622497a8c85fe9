from rest_framework.pagination import CursorPagination, PageNumberPagination


class PagePagination(PageNumberPagination):
    """Default for every list: ``?page=2&page_size=50`` (at most 100)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class StableCursorPagination(CursorPagination):
    """For lists that change while someone pages through them (work queues)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "created_at"
