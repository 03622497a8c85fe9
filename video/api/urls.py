from django.urls import path

app_name = "video_api"
urlpatterns: list = []
