app_name = "casework_api"
urlpatterns: list = []
