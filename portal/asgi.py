"""One ASGI application for HTTP and WebSocket (served by daphne; uvicorn and
granian work too, see README "Running in production")."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from portal import daphne_streaming  # noqa: E402
from portal.bodylimit import BodyLimitMiddleware  # noqa: E402

# Bodies capped while they stream, strangers refused before theirs (portal/bodylimit.py);
# daphne made to stream them (portal/daphne_streaming.py).
daphne_streaming.install()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402

from portal.origins import websocket_origins  # noqa: E402
from video.routing import websocket_urlpatterns  # noqa: E402
from video.shutdown import hook_daphne_shutdown, video_shutdown  # noqa: E402


async def lifespan(scope, receive, send) -> None:
    """Start-up and shutdown for servers that send lifespan events (uvicorn,
    granian): at shutdown the room sockets are told to come back later and leave
    presence, and the device checks' peers are closed (``video.shutdown``).
    daphne sends none; the hook below does the same when its reactor stops."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await video_shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return


hook_daphne_shutdown()

application = ProtocolTypeRouter(
    {
        "http": BodyLimitMiddleware(django_asgi_app),
        # Scheme, host and port of the Origin must be one of the portal's own (portal/origins.py).
        "websocket": OriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), websocket_origins()),
        "lifespan": lifespan,
    }
)

# Everything above lives as long as the process: out of the collector's sight
# from here on, so full collections walk only what requests made (portal/startup.py).
from portal.startup import freeze_heap  # noqa: E402

freeze_heap()
