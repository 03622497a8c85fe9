from django.urls import path
from django.views.i18n import JavaScriptCatalog

from video import views

app_name = "video"
urlpatterns = [
    path("video/check/", views.check_page, name="check"),
    path("video/jsi18n/", JavaScriptCatalog.as_view(packages=["video"]), name="jsi18n"),
    path("video/<uuid:public_id>/", views.room_page, name="room"),
]
