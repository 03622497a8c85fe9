app_name = "video_api"
urlpatterns: list = []
