from django.urls import path

from video.api import check_views, views

app_name = "video_api"
urlpatterns = [
    path("appointments/<uuid:public_id>/video/", views.RoomView.as_view(), name="room"),
    path("appointments/<uuid:public_id>/video/guests/", views.GuestListView.as_view(), name="guests"),
    path(
        "appointments/<uuid:public_id>/video/guests/<uuid:guest_id>/",
        views.GuestDetailView.as_view(),
        name="guest",
    ),
    path("video/check/", check_views.CheckStartView.as_view(), name="check"),
    path("video/check/<slug:check_id>/", check_views.CheckDetailView.as_view(), name="check-detail"),
]
