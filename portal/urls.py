from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views
from portal.api import views as api_views

# The admin site (portal.admin_site) logs in through allauth: rate-limited, with the second factor.

api_v1 = [
    path("me/", api_views.MeView.as_view(), name="me"),
    path("me/data-export/", api_views.DataExportView.as_view(), name="data-export"),  # Art. 15 DSGVO
    path("locations/", api_views.LocationList.as_view(), name="locations"),
    path("audit-events/", api_views.AuditEventList.as_view(), name="audit-events"),
    path("", include("applications.api.urls")),
    path("", include("casework.api.urls")),
    path("", include("appointments.api.urls")),
    path("", include("video.api.urls")),
    # Switched off in production by API_DOCS_ENABLED=false (404 then).
    path("schema/", views.api_docs(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", views.api_docs(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="docs"),
]

urlpatterns = [
    path("", include("portal.web.urls")),
    path("", include("applications.web.urls")),
    path("", include("appointments.web.urls")),
    path("", include("casework.web.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # allauth's headless API always has phone endpoints; the portal keeps no phone
    # numbers and its adapter none either (they were a 500: NotImplementedError).
    re_path(r"^_allauth/(?:browser|app)/v1/account/phone$", views.not_offered),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include(api_v1)),
    path("", include("video.urls")),
    # Last: any other /api/ path answers a problem+json 404 from here, also with
    # DEBUG on (where Django would otherwise render its HTML technical 404 page).
    re_path(r"^api/", views.api_not_found, name="api-not-found"),
]

handler400 = "portal.views.api_bad_request"
handler403 = "portal.views.api_forbidden"
handler404 = "portal.views.api_not_found"
handler500 = "portal.views.api_server_error"
handler429 = "portal.views.too_many_requests"  # allauth's rate limits
