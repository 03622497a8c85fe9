from django.urls import path

app_name = "applications_api"
urlpatterns: list = []
