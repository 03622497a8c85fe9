"""One ASGI application for HTTP and WebSocket (served by daphne; uvicorn and
granian work too, see README "Running in production")."""

import asyncio
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402

from portal.origins import websocket_origins  # noqa: E402
from video.check import checks  # noqa: E402
from video.consumers import room_sockets_close  # noqa: E402
from video.routing import websocket_urlpatterns  # noqa: E402


async def lifespan(scope, receive, send) -> None:
    """Start-up and shutdown for servers that send lifespan events (uvicorn,
    granian): at shutdown the room sockets are told to come back later and leave
    presence, and the device checks' peers are closed. daphne sends none;
    ``video.consumers`` and ``video.check`` hook Twisted's shutdown there."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await asyncio.gather(room_sockets_close(), checks.close_all(), return_exceptions=True)
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Scheme, host and port of the Origin must be one of the portal's own (portal/origins.py).
        "websocket": OriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), websocket_origins()),
        "lifespan": lifespan,
    }
)
