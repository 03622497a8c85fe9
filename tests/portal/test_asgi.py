"""The one ASGI application: HTTP to Django, WebSocket through the origin
check and the session auth to the video app's routes."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator, WebsocketCommunicator

from portal.asgi import application


def test_it_serves_http_through_the_asgi_application():
    async def get():
        communicator = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"testserver")])
        # The first request through a fresh handler loads URLconf, middleware and
        # catalogs; on a busy machine that takes longer than the default 1 s.
        return await communicator.get_response(timeout=30)

    response = async_to_sync(get)()
    assert response["status"] == 200
    assert response["body"] == b'{"status": "ok"}'
    assert dict(response["headers"])[b"X-Request-ID"]


def test_it_refuses_a_websocket_from_a_foreign_origin():
    async def connect():
        communicator = WebsocketCommunicator(
            application, "/ws/anything/", headers=[(b"origin", b"https://evil.example"), (b"host", b"testserver")]
        )
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(connect)() is False
