app_name = "appointments_api"
urlpatterns: list = []
