"""The portal's URLs plus the floor view of the benchmark suite."""

from django.urls import include, path

from bench.views import floor
from portal.urls import handler400, handler403, handler404, handler500

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path("bench/floor", floor, name="bench-floor"),
    path("", include("portal.urls")),
]
