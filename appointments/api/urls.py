from django.urls import path

app_name = "appointments_api"
urlpatterns: list = []
