"""A test-only URLconf: the portal's URLs plus a page that fails, for the 500 page."""

from django.urls import include, path

from portal.urls import handler400, handler403, handler404, handler429, handler500  # noqa: F401 (same error pages)


def broken_page(request):
    raise RuntimeError("secret internal detail: password=hunter2")


urlpatterns = [
    path("test/broken-page/", broken_page),
    path("", include("portal.urls")),
]
