from django.urls import path

from video.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/video/<str:room>/", RoomConsumer.as_asgi()),
]
